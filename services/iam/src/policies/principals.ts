import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { assertUnreachable } from '@maas/errors';
import { AgenciesRepository } from '../store/agencies/agencies.repository.js';
import { AgencyNotFoundError } from '../store/agencies/agencies.errors.js';
import { GroupNotFoundError } from '../store/groups/groups.errors.js';
import { GroupsRepository } from '../store/groups/groups.repository.js';
import { PermissionsRepository } from '../store/permissions/permissions.repository.js';
import { type Principal } from '../store/policies/attachments.repository.js';

/** What policies attach to: checks a principal is the account's, and who holds through it. */
@Injectable()
export class Principals {
  constructor(
    private readonly groups: GroupsRepository,
    private readonly agencies: AgenciesRepository,
    private readonly permissions: PermissionsRepository,
  ) {}

  /** 404 unless the group or agency is the account's. */
  async check(accountId: string, principal: Principal, manager?: EntityManager): Promise<void> {
    switch (principal.kind) {
      case 'group':
        if (!(await this.groups.findById(accountId, principal.id, manager))) {
          throw new GroupNotFoundError(principal.id);
        }
        return;
      case 'agency':
        if (!(await this.agencies.findById(accountId, principal.id, manager))) {
          throw new AgencyNotFoundError(principal.id);
        }
        return;
      default:
        assertUnreachable(principal, 'principal');
    }
  }

  /** Users whose permission snapshot changes with the principal's policies. */
  async holders(principal: Principal, manager: EntityManager): Promise<string[]> {
    switch (principal.kind) {
      case 'group':
        return this.permissions.membersOfGroup(principal.id, manager);
      case 'agency':
        return []; // an agency's policies are ModelArts', not its users'
      default:
        return assertUnreachable(principal, 'principal');
    }
  }
}
