import { Injectable } from '@nestjs/common';
import { type RequestContext } from '@maas/auth';
import { IamTransactions } from '../../transactions/iam-transactions.js';
import { AttachmentsRepository } from '../../store/policies/attachments.repository.js';
import { policyDetached } from '../../store/policies/policies.events.js';
import { GroupNotFoundError } from '../../store/groups/groups.errors.js';
import { groupDeleted, membershipChanged } from '../../store/groups/groups.events.js';
import { GroupsRepository } from '../../store/groups/groups.repository.js';

/** Deletes a group with its memberships and policy attachments; its members lose them. */
@Injectable()
export class DeleteGroup {
  constructor(
    private readonly transactions: IamTransactions,
    private readonly groups: GroupsRepository,
    private readonly attachments: AttachmentsRepository,
  ) {}

  execute({ caller, requestId }: RequestContext, groupId: string): Promise<void> {
    return this.transactions.run(caller.accountId, requestId, async (tx) => {
      const group = await this.groups.findById(caller.accountId, groupId, tx.manager);
      if (!group) throw new GroupNotFoundError(groupId);
      const principal = { kind: 'group', id: group.id } as const;
      for (const policy of await this.attachments.deleteAll(tx.manager, principal)) {
        tx.emit(policyDetached(group.accountId, policy, principal));
      }
      const members = await this.groups.removeAllMembers(tx.manager, group.id);
      members.forEach((userId) =>
        tx.emit(
          membershipChanged({ groupId: group.id, accountId: group.accountId, userId }, false),
        ),
      );
      await this.groups.delete(tx.manager, group.id);
      tx.emit(groupDeleted(group));
      tx.permissionsChanged(members);
    });
  }
}
