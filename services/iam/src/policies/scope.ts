import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { AccountsRepository } from '../store/accounts/accounts.repository.js';
import { type ScopeRequest } from '../common/scope.dto.js';
import { type AttachmentScope } from '../store/policies/attachments.repository.js';
import { invalidScope } from '../store/policies/policies.errors.js';

/** Turns a requested scope into an attachment's, checking the projects are the account's. */
@Injectable()
export class ScopeResolver {
  constructor(private readonly accounts: AccountsRepository) {}

  async resolve(
    accountId: string,
    request: ScopeRequest,
    manager: EntityManager,
  ): Promise<AttachmentScope> {
    const ids = [...new Set(request.project_ids ?? [])];
    if (request.scope === 'global') {
      if (ids.length > 0) throw invalidScope('project_ids must be absent when scope is global');
      return { scopeGlobal: true, projectIds: [] };
    }
    const own = new Set((await this.accounts.projectsOf(accountId, manager)).map((p) => p.id));
    const foreign = ids.filter((id) => !own.has(id));
    if (foreign.length > 0) {
      throw invalidScope(
        `project_ids names projects that are not the account's: ${foreign.join(', ')}`,
      );
    }
    return { scopeGlobal: false, projectIds: ids };
  }
}
