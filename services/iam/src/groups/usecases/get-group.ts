import { Injectable } from '@nestjs/common';
import { type RequestContext } from '@maas/auth';
import { type UserEntity } from '../../store/users/user.entity.js';
import { type GroupEntity } from '../../store/groups/group.entity.js';
import { GroupNotFoundError } from '../../store/groups/groups.errors.js';
import { GroupsRepository } from '../../store/groups/groups.repository.js';

@Injectable()
export class GetGroup {
  constructor(private readonly groups: GroupsRepository) {}

  async execute({ caller }: RequestContext, groupId: string): Promise<GroupEntity> {
    const group = await this.groups.findById(caller.accountId, groupId);
    if (!group) throw new GroupNotFoundError(groupId);
    return group;
  }

  async members(ctx: RequestContext, groupId: string): Promise<UserEntity[]> {
    const group = await this.execute(ctx, groupId);
    return this.groups.members(group.id);
  }
}
