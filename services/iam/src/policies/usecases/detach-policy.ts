import { Injectable } from '@nestjs/common';
import { type RequestContext } from '@maas/auth';
import { IamTransactions } from '../../transactions/iam-transactions.js';
import {
  AttachmentsRepository,
  type Principal,
} from '../../store/policies/attachments.repository.js';
import { AttachmentNotFoundError } from '../../store/policies/policies.errors.js';
import { policyDetached } from '../../store/policies/policies.events.js';
import { Principals } from '../principals.js';

@Injectable()
export class DetachPolicy {
  constructor(
    private readonly transactions: IamTransactions,
    private readonly attachments: AttachmentsRepository,
    private readonly principals: Principals,
  ) {}

  execute(
    { caller, requestId }: RequestContext,
    principal: Principal,
    policyId: string,
  ): Promise<void> {
    const { accountId } = caller;
    return this.transactions.run(accountId, requestId, async (tx) => {
      await this.principals.check(accountId, principal, tx.manager);
      const attached = await this.attachments.find(principal, policyId, tx.manager);
      if (!attached)
        throw new AttachmentNotFoundError(policyId, `${principal.kind} ${principal.id}`);
      await this.attachments.delete(tx.manager, principal, attached.policy.id);
      tx.emit(policyDetached(accountId, attached.policy, principal));
      tx.permissionsChanged(await this.principals.holders(principal, tx.manager));
    });
  }
}
