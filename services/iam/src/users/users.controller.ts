import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
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
  AccessKeyListResponse,
  AccessKeyResponse,
  CreateAccessKeyRequest,
  CreatedAccessKeyResponse,
} from './dto/access-key.dto.js';
import { CreateUserRequest } from './dto/create-user.request.js';
import { UpdateUserRequest } from './dto/update-user.request.js';
import { UserListResponse, UserResponse } from './dto/user.response.js';
import { CreateAccessKey } from './usecases/create-access-key.js';
import { CreateUser } from './usecases/create-user.js';
import { DeleteAccessKey } from './usecases/delete-access-key.js';
import { DeleteUser } from './usecases/delete-user.js';
import { GetUser } from './usecases/get-user.js';
import { ListAccessKeys } from './usecases/list-access-keys.js';
import { ListUsers } from './usecases/list-users.js';
import { UpdateUser } from './usecases/update-user.js';

const NotFound = ApiNotFoundResponse({
  type: ErrorBodyDto,
  description: 'No such user in the account',
});

@ApiTags('users')
@UseGuards(IamGuard)
@Controller('v3/users')
export class UsersController {
  constructor(
    private readonly createUser: CreateUser,
    private readonly listUsers: ListUsers,
    private readonly getUser: GetUser,
    private readonly updateUser: UpdateUser,
    private readonly deleteUser: DeleteUser,
    private readonly createAccessKey: CreateAccessKey,
    private readonly listAccessKeys: ListAccessKeys,
    private readonly deleteAccessKey: DeleteAccessKey,
  ) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @Guarded(Actions.usersCreate, 'Create an IAM user')
  @ApiCreatedResponse({ type: UserResponse })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'Invalid body or weak password' })
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'Name taken (IAM.0202)' })
  async create(@Ctx() ctx: RequestContext, @Body() body: CreateUserRequest): Promise<UserResponse> {
    return UserResponse.from(await this.createUser.execute(ctx, body));
  }

  @Get()
  @Guarded(Actions.usersList, "List the account's users")
  @ApiOkResponse({ type: UserListResponse })
  async list(@Ctx() ctx: RequestContext): Promise<UserListResponse> {
    return { users: (await this.listUsers.execute(ctx)).map((u) => UserResponse.from(u)) };
  }

  @Get(':user_id')
  @Guarded(Actions.usersGet, 'Show a user')
  @ApiOkResponse({ type: UserResponse })
  @NotFound
  async show(@Ctx() ctx: RequestContext, @Param('user_id') userId: string): Promise<UserResponse> {
    return UserResponse.from(await this.getUser.execute(ctx, userId));
  }

  @Patch(':user_id')
  @Guarded(Actions.usersUpdate, "Change a user's password or description")
  @ApiOkResponse({ type: UserResponse })
  @NotFound
  async update(
    @Ctx() ctx: RequestContext,
    @Param('user_id') userId: string,
    @Body() body: UpdateUserRequest,
  ): Promise<UserResponse> {
    return UserResponse.from(await this.updateUser.execute(ctx, userId, body));
  }

  @Delete(':user_id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @Guarded(
    Actions.usersDelete,
    'Delete a user',
    'Removes the user from their groups, deletes their access keys and ModelArts authorizations.',
  )
  @ApiNoContentResponse()
  @NotFound
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'The root user (IAM.0203)' })
  async remove(@Ctx() ctx: RequestContext, @Param('user_id') userId: string): Promise<void> {
    await this.deleteUser.execute(ctx, userId);
  }

  @Post(':user_id/access-keys')
  @HttpCode(HttpStatus.CREATED)
  @Guarded(
    Actions.credentialsCreate,
    'Create an access key (AK/SK)',
    'The secret key is in this response only; it is stored as a hash. At most 2 per user.',
  )
  @ApiCreatedResponse({ type: CreatedAccessKeyResponse })
  @NotFound
  async createKey(
    @Ctx() ctx: RequestContext,
    @Param('user_id') userId: string,
    @Body() body: CreateAccessKeyRequest,
  ): Promise<CreatedAccessKeyResponse> {
    const { key, secretKey } = await this.createAccessKey.execute(ctx, userId, body);
    return { ...AccessKeyResponse.from(key), secret_key: secretKey };
  }

  @Get(':user_id/access-keys')
  @Guarded(Actions.credentialsList, "List a user's access keys (without secrets)")
  @ApiOkResponse({ type: AccessKeyListResponse })
  @NotFound
  async listKeys(
    @Ctx() ctx: RequestContext,
    @Param('user_id') userId: string,
  ): Promise<AccessKeyListResponse> {
    const keys = await this.listAccessKeys.execute(ctx, userId);
    return { access_keys: keys.map((k) => AccessKeyResponse.from(k)) };
  }

  @Delete(':user_id/access-keys/:access_key')
  @HttpCode(HttpStatus.NO_CONTENT)
  @Guarded(Actions.credentialsDelete, 'Delete an access key')
  @ApiNoContentResponse()
  @NotFound
  async deleteKey(
    @Ctx() ctx: RequestContext,
    @Param('user_id') userId: string,
    @Param('access_key') accessKey: string,
  ): Promise<void> {
    await this.deleteAccessKey.execute(ctx, userId, accessKey);
  }
}
