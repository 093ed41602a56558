import { Injectable } from '@nestjs/common';
import { type RequestContext } from '@maas/auth';
import { type GroupEntity } from '../../store/groups/group.entity.js';
import { GroupsRepository } from '../../store/groups/groups.repository.js';

@Injectable()
export class ListGroups {
  constructor(private readonly groups: GroupsRepository) {}

  execute({ caller }: RequestContext): Promise<GroupEntity[]> {
    return this.groups.list(caller.accountId);
  }
}
