import { Injectable } from '@nestjs/common';
import { type RequestContext } from '@maas/auth';
import { IamTransactions } from '../../transactions/iam-transactions.js';
import {
  PolicyInUseError,
  PolicyNotFoundError,
  SystemPolicyReadOnlyError,
} from '../../store/policies/policies.errors.js';
import { policyDeleted } from '../../store/policies/policies.events.js';
import { PoliciesRepository } from '../../store/policies/policies.repository.js';

/** Deletes a custom policy that is attached nowhere. */
@Injectable()
export class DeletePolicy {
  constructor(
    private readonly transactions: IamTransactions,
    private readonly policies: PoliciesRepository,
  ) {}

  execute({ caller, requestId }: RequestContext, policyId: string): Promise<void> {
    return this.transactions.run(caller.accountId, requestId, async (tx) => {
      const policy = await this.policies.findVisible(caller.accountId, policyId, tx.manager);
      if (!policy) throw new PolicyNotFoundError(policyId);
      if (policy.system) throw new SystemPolicyReadOnlyError(policy.name);
      const attachments = await this.policies.attachmentCount(policy.id, tx.manager);
      if (attachments > 0) throw new PolicyInUseError(policy.name, attachments);
      await this.policies.delete(tx.manager, policy.id);
      tx.emit(policyDeleted({ ...policy, accountId: caller.accountId }));
    });
  }
}
