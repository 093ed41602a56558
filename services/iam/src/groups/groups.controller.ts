import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Put,
  UseGuards,
} from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Actions, Ctx, Guarded, IamGuard, type RequestContext } from '@maas/auth';
import { ErrorBodyDto } from '@maas/errors';
import {
  CreateGroupRequest,
  GroupListResponse,
  GroupMembersResponse,
  GroupResponse,
} from './dto/group.dto.js';
import { ChangeMembership } from './usecases/change-membership.js';
import { CreateGroup } from './usecases/create-group.js';
import { DeleteGroup } from './usecases/delete-group.js';
import { GetGroup } from './usecases/get-group.js';
import { ListGroups } from './usecases/list-groups.js';

const NotFound = ApiNotFoundResponse({
  type: ErrorBodyDto,
  description: 'No such group (or user) in the account',
});

@ApiTags('groups')
@UseGuards(IamGuard)
@Controller('v3/groups')
export class GroupsController {
  constructor(
    private readonly createGroup: CreateGroup,
    private readonly listGroups: ListGroups,
    private readonly getGroup: GetGroup,
    private readonly deleteGroup: DeleteGroup,
    private readonly changeMembership: ChangeMembership,
  ) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @Guarded(Actions.groupsCreate, 'Create a user group')
  @ApiCreatedResponse({ type: GroupResponse })
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'Name taken (IAM.0302)' })
  async create(
    @Ctx() ctx: RequestContext,
    @Body() body: CreateGroupRequest,
  ): Promise<GroupResponse> {
    return GroupResponse.from(await this.createGroup.execute(ctx, body));
  }

  @Get()
  @Guarded(Actions.groupsList, "List the account's user groups")
  @ApiOkResponse({ type: GroupListResponse })
  async list(@Ctx() ctx: RequestContext): Promise<GroupListResponse> {
    return { groups: (await this.listGroups.execute(ctx)).map((g) => GroupResponse.from(g)) };
  }

  @Get(':group_id')
  @Guarded(Actions.groupsGet, 'Show a user group')
  @ApiOkResponse({ type: GroupResponse })
  @NotFound
  async show(
    @Ctx() ctx: RequestContext,
    @Param('group_id') groupId: string,
  ): Promise<GroupResponse> {
    return GroupResponse.from(await this.getGroup.execute(ctx, groupId));
  }

  @Delete(':group_id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @Guarded(
    Actions.groupsDelete,
    'Delete a user group',
    'Its members leave it and lose the policies attached to it.',
  )
  @ApiNoContentResponse()
  @NotFound
  async remove(@Ctx() ctx: RequestContext, @Param('group_id') groupId: string): Promise<void> {
    await this.deleteGroup.execute(ctx, groupId);
  }

  @Get(':group_id/users')
  @Guarded(Actions.groupsGet, "List a group's members")
  @ApiOkResponse({ type: GroupMembersResponse })
  @NotFound
  async members(
    @Ctx() ctx: RequestContext,
    @Param('group_id') groupId: string,
  ): Promise<GroupMembersResponse> {
    const users = await this.getGroup.members(ctx, groupId);
    return { users: users.map((u) => ({ id: u.id, name: u.name })) };
  }

  @Put(':group_id/users/:user_id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @Guarded(Actions.groupsAddUser, 'Add a user to a group (idempotent)')
  @ApiNoContentResponse()
  @NotFound
  async addUser(
    @Ctx() ctx: RequestContext,
    @Param('group_id') groupId: string,
    @Param('user_id') userId: string,
  ): Promise<void> {
    await this.changeMembership.execute(ctx, { groupId, userId, member: true });
  }

  @Delete(':group_id/users/:user_id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @Guarded(Actions.groupsRemoveUser, 'Remove a user from a group')
  @ApiNoContentResponse()
  @NotFound
  async removeUser(
    @Ctx() ctx: RequestContext,
    @Param('group_id') groupId: string,
    @Param('user_id') userId: string,
  ): Promise<void> {
    await this.changeMembership.execute(ctx, { groupId, userId, member: false });
  }
}
