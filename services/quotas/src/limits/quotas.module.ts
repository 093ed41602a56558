import { Module } from '@nestjs/common';
import { QuotasController } from './quotas.controller.js';
import { GetQuotas } from './usecases/get-quotas.js';
import { SetQuotas } from './usecases/set-quotas.js';

@Module({ controllers: [QuotasController], providers: [GetQuotas, SetQuotas] })
export class QuotasModule {}
