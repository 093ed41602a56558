import { Injectable } from '@nestjs/common';
import { type RequestContext } from '@maas/auth';
import { authorizationRevoked } from '../../store/authorizations/authorizations.events.js';
import { AuthorizationsRepository } from '../../store/authorizations/authorizations.repository.js';
import { IamTransactions } from '../../transactions/iam-transactions.js';
import { membershipChanged } from '../../store/groups/groups.events.js';
import { GroupsRepository } from '../../store/groups/groups.repository.js';
import { RootUserProtectedError, UserNotFoundError } from '../../store/users/users.errors.js';
import { userDeleted } from '../../store/users/users.events.js';
import { UsersRepository } from '../../store/users/users.repository.js';

/**
 * Deletes an IAM user with their memberships, access keys and ModelArts authorizations;
 * publishes each removal and a last snapshot saying the user is gone.
 */
@Injectable()
export class DeleteUser {
  constructor(
    private readonly transactions: IamTransactions,
    private readonly users: UsersRepository,
    private readonly groups: GroupsRepository,
    private readonly authorizations: AuthorizationsRepository,
  ) {}

  execute({ caller, requestId }: RequestContext, userId: string): Promise<void> {
    return this.transactions.run(caller.accountId, requestId, async (tx) => {
      const user = await this.users.findById(caller.accountId, userId, tx.manager);
      if (!user) throw new UserNotFoundError(userId);
      if (user.root) throw new RootUserProtectedError('deleted');
      for (const groupId of await this.groups.removeFromAllGroups(tx.manager, user.id)) {
        tx.emit(membershipChanged({ groupId, accountId: user.accountId, userId: user.id }, false));
      }
      const authorizations = await this.authorizations.ofUser(tx.manager, user.id);
      await this.authorizations.delete(
        tx.manager,
        authorizations.map((a) => a.id),
      );
      authorizations.forEach((a) => tx.emit(authorizationRevoked(a)));
      await this.users.delete(tx.manager, user.id);
      tx.emit(userDeleted(user));
      tx.userDeleted({
        id: user.id,
        accountId: user.accountId,
        name: user.name,
        root: false,
        accountName: caller.accountName,
      });
    });
  }
}
