import { Injectable } from '@nestjs/common';
import { isDeepStrictEqual } from 'node:util';
import { type RequestContext } from '@maas/auth';
import { IamTransactions } from '../../transactions/iam-transactions.js';
import { PermissionsRepository } from '../../store/permissions/permissions.repository.js';
import {
  PolicyNotFoundError,
  SystemPolicyReadOnlyError,
} from '../../store/policies/policies.errors.js';
import { policyUpdated } from '../../store/policies/policies.events.js';
import { PoliciesRepository } from '../../store/policies/policies.repository.js';
import { type PolicyEntity } from '../../store/policies/policy.entity.js';
import { checkCustomName, checkedDocument } from './create-policy.js';

/** Changes a custom policy; a new document takes effect for every user holding it. */
@Injectable()
export class UpdatePolicy {
  constructor(
    private readonly transactions: IamTransactions,
    private readonly policies: PoliciesRepository,
    private readonly permissions: PermissionsRepository,
  ) {}

  async execute(
    { caller, requestId }: RequestContext,
    policyId: string,
    input: { name?: string; description?: string; policy?: unknown },
  ): Promise<PolicyEntity> {
    const document = input.policy === undefined ? undefined : checkedDocument(input.policy);
    if (input.name !== undefined) checkCustomName(input.name);
    return this.transactions.run(caller.accountId, requestId, async (tx) => {
      const policy = await this.policies.findVisible(caller.accountId, policyId, tx.manager);
      if (!policy) throw new PolicyNotFoundError(policyId);
      if (policy.system) throw new SystemPolicyReadOnlyError(policy.name);
      const updated = await this.policies.update(tx.manager, policy, {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(document ? { document } : {}),
      });
      tx.emit(policyUpdated({ ...updated, accountId: caller.accountId }));
      const changed =
        input.name !== undefined || (document && !isDeepStrictEqual(document, policy.document));
      if (changed)
        tx.permissionsChanged(await this.permissions.usersHoldingPolicy(policy.id, tx.manager));
      return updated;
    });
  }
}
