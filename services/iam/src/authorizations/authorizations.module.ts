import { Module } from '@nestjs/common';
import { AuthorizationsController } from './authorizations.controller.js';
import { CoveredUsers } from './covered-users.js';
import { GrantAuthorization } from './usecases/grant-authorization.js';
import { ListAuthorizations } from './usecases/list-authorizations.js';
import { RevokeAuthorizations } from './usecases/revoke-authorizations.js';

@Module({
  controllers: [AuthorizationsController],
  providers: [CoveredUsers, GrantAuthorization, ListAuthorizations, RevokeAuthorizations],
})
export class AuthorizationsModule {}
