import { Module } from '@nestjs/common';
import { UsageController } from './usage.controller.js';
import { QueryUsage } from './usecases/query-usage.js';

@Module({ controllers: [UsageController], providers: [QueryUsage] })
export class UsageModule {}
