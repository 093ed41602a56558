import { Injectable } from '@nestjs/common';
import { type RequestContext } from '@maas/auth';
import { IamTransactions } from '../../transactions/iam-transactions.js';
import { UserNotFoundError } from '../../store/users/users.errors.js';
import { UsersRepository } from '../../store/users/users.repository.js';
import { GroupNotFoundError, MembershipNotFoundError } from '../../store/groups/groups.errors.js';
import { membershipChanged } from '../../store/groups/groups.events.js';
import { GroupsRepository } from '../../store/groups/groups.repository.js';

/** Adds a user to a group (idempotent), or removes them (404 when not a member). */
@Injectable()
export class ChangeMembership {
  constructor(
    private readonly transactions: IamTransactions,
    private readonly groups: GroupsRepository,
    private readonly users: UsersRepository,
  ) {}

  execute(
    { caller, requestId }: RequestContext,
    input: { groupId: string; userId: string; member: boolean },
  ): Promise<void> {
    return this.transactions.run(caller.accountId, requestId, async (tx) => {
      const group = await this.groups.findById(caller.accountId, input.groupId, tx.manager);
      if (!group) throw new GroupNotFoundError(input.groupId);
      const user = await this.users.findById(caller.accountId, input.userId, tx.manager);
      if (!user) throw new UserNotFoundError(input.userId);
      const membership = { groupId: group.id, userId: user.id, accountId: caller.accountId };
      const changed = input.member
        ? await this.groups.addMember(tx.manager, membership)
        : await this.groups.removeMember(tx.manager, group.id, user.id);
      if (!changed && !input.member) throw new MembershipNotFoundError(group.id, user.id);
      if (!changed) return;
      tx.emit(membershipChanged(membership, input.member));
      tx.permissionsChanged([user.id]);
    });
  }
}
