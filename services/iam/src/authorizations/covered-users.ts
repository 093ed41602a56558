import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { assertUnreachable } from '@maas/errors';
import { PermissionsRepository } from '../store/permissions/permissions.repository.js';
import { type AuthorizationEntity } from '../store/authorizations/authorization.entity.js';

/** The IAM users whose ModelArts authorization an authorization decides. */
@Injectable()
export class CoveredUsers {
  constructor(private readonly permissions: PermissionsRepository) {}

  async of(
    z: Pick<AuthorizationEntity, 'accountId' | 'userType' | 'userId'>,
    manager: EntityManager,
  ): Promise<string[]> {
    switch (z.userType) {
      case 'iam_user':
        return z.userId ? [z.userId] : [];
      case 'all_users':
        return this.permissions.usersOfAccount(z.accountId, manager);
      case 'federated_user':
      case 'agency':
        return []; // not IAM users of this account: no snapshot to publish
      default:
        return assertUnreachable(z.userType, 'authorized user type');
    }
  }
}
