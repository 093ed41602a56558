import { Module } from '@nestjs/common';
import { PermissionsController } from './permissions.controller.js';
import { CheckAction } from './usecases/check-action.js';
import { GetMissingPermissions } from './usecases/get-missing-permissions.js';

@Module({ controllers: [PermissionsController], providers: [CheckAction, GetMissingPermissions] })
export class PermissionsModule {}
