import { Module } from '@nestjs/common';
import { GroupsController } from './groups.controller.js';
import { ChangeMembership } from './usecases/change-membership.js';
import { CreateGroup } from './usecases/create-group.js';
import { DeleteGroup } from './usecases/delete-group.js';
import { GetGroup } from './usecases/get-group.js';
import { ListGroups } from './usecases/list-groups.js';

@Module({
  controllers: [GroupsController],
  providers: [CreateGroup, ListGroups, GetGroup, DeleteGroup, ChangeMembership],
})
export class GroupsModule {}
