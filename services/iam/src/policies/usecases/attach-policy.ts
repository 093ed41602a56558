import { Injectable } from '@nestjs/common';
import { type RequestContext } from '@maas/auth';
import { IamTransactions } from '../../transactions/iam-transactions.js';
import { type ScopeRequest } from '../../common/scope.dto.js';
import {
  type AttachedPolicy,
  AttachmentsRepository,
  type Principal,
} from '../../store/policies/attachments.repository.js';
import { PolicyNotFoundError } from '../../store/policies/policies.errors.js';
import { policyAttached } from '../../store/policies/policies.events.js';
import { PoliciesRepository } from '../../store/policies/policies.repository.js';
import { Principals } from '../principals.js';
import { ScopeResolver } from '../scope.js';

/** Attaches a policy to a group or an agency with a scope (again: changes the scope). */
@Injectable()
export class AttachPolicy {
  constructor(
    private readonly transactions: IamTransactions,
    private readonly policies: PoliciesRepository,
    private readonly attachments: AttachmentsRepository,
    private readonly principals: Principals,
    private readonly scopes: ScopeResolver,
  ) {}

  execute(
    { caller, requestId }: RequestContext,
    principal: Principal,
    policyId: string,
    scopeRequest: ScopeRequest,
  ): Promise<AttachedPolicy> {
    const { accountId } = caller;
    return this.transactions.run(accountId, requestId, async (tx) => {
      await this.principals.check(accountId, principal, tx.manager);
      const policy = await this.policies.findVisible(accountId, policyId, tx.manager);
      if (!policy) throw new PolicyNotFoundError(policyId);
      const scope = await this.scopes.resolve(accountId, scopeRequest, tx.manager);
      await this.attachments.upsert(tx.manager, principal, {
        policyId: policy.id,
        accountId,
        ...scope,
      });
      tx.emit(policyAttached(accountId, policy, principal, scope));
      tx.permissionsChanged(await this.principals.holders(principal, tx.manager));
      return { policy, ...scope, updatedAt: new Date() };
    });
  }
}
