import { Injectable } from '@nestjs/common';
import { type RequestContext } from '@maas/auth';
import { IamTransactions } from '../../transactions/iam-transactions.js';
import { type GroupEntity } from '../../store/groups/group.entity.js';
import { groupCreated } from '../../store/groups/groups.events.js';
import { GroupsRepository } from '../../store/groups/groups.repository.js';

@Injectable()
export class CreateGroup {
  constructor(
    private readonly transactions: IamTransactions,
    private readonly groups: GroupsRepository,
  ) {}

  execute(
    { caller, requestId }: RequestContext,
    input: { name: string; description?: string },
  ): Promise<GroupEntity> {
    return this.transactions.run(caller.accountId, requestId, async (tx) => {
      const group = await this.groups.insert(tx.manager, {
        accountId: caller.accountId,
        name: input.name,
        description: input.description ?? '',
      });
      tx.emit(groupCreated(group));
      return group;
    });
  }
}
