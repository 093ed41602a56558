import { Injectable } from '@nestjs/common';
import { type RequestContext } from '@maas/auth';
import { IamTransactions } from '../../common/iam-transactions.js';
import {
  PolicyInUseError,
  PolicyNotFoundError,
  SystemPolicyReadOnlyError,
} from '../policies.errors.js';
import { policyDeleted } from '../policies.events.js';
import { PoliciesRepository } from '../policies.repository.js';

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
