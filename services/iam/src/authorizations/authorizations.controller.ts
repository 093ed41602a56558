import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
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
import { ConfirmDeleteRequest } from '../common/confirm.dto.js';
import {
  AuthorizationListResponse,
  AuthorizationResponse,
  ClearedAuthorizationsResponse,
  GrantAuthorizationRequest,
} from './dto/authorization.dto.js';
import { GrantAuthorization } from './usecases/grant-authorization.js';
import { ListAuthorizations } from './usecases/list-authorizations.js';
import { RevokeAuthorizations } from './usecases/revoke-authorizations.js';

const NotFound = ApiNotFoundResponse({
  type: ErrorBodyDto,
  description: "No such project or authorization in the caller's account",
});
const Unconfirmed = ApiBadRequestResponse({
  type: ErrorBodyDto,
  description: 'confirm is not "DELETE"',
});

/**
 * ModelArts authorizations ("Permission Management"), mirroring ModelArts'
 * /v2/{project_id}/authorizations. The project only selects the region endpoint, as in
 * ModelArts: authorizations (like agencies) are account-wide.
 */
@ApiTags('modelarts authorizations')
@UseGuards(IamGuard)
@Controller('v2/:project_id/authorizations')
export class AuthorizationsController {
  constructor(
    private readonly grant: GrantAuthorization,
    private readonly view: ListAuthorizations,
    private readonly revoke: RevokeAuthorizations,
  ) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @Guarded(
    Actions.authorizationCreate,
    'Add a ModelArts authorization',
    'Authorizes an IAM user, a federated user, an agency or all users (root only) to use ' +
      'ModelArts through an existing agency (agency_id) or a new one (new_agency, the default).',
  )
  @ApiCreatedResponse({ type: AuthorizationResponse })
  @ApiBadRequestResponse({
    type: ErrorBodyDto,
    description: 'Invalid body; the body names the field',
  })
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'Target already authorized (IAM.0602)' })
  @NotFound
  async create(
    @Ctx() ctx: RequestContext,
    @Body() body: GrantAuthorizationRequest,
  ): Promise<AuthorizationResponse> {
    const granted = await this.grant.execute(ctx, body);
    const { policies } = await this.view.get(ctx, granted.id);
    return AuthorizationResponse.from(granted, policies);
  }

  @Get()
  @Guarded(Actions.authorizationList, "List the account's ModelArts authorizations")
  @ApiOkResponse({ type: AuthorizationListResponse })
  @NotFound
  async list(@Ctx() ctx: RequestContext): Promise<AuthorizationListResponse> {
    const views = await this.view.list(ctx);
    return {
      authorizations: views.map((v) => AuthorizationResponse.from(v.authorization, v.policies)),
    };
  }

  @Get(':authorization_id')
  @Guarded(Actions.authorizationList, 'Show an authorization and its permissions')
  @ApiOkResponse({ type: AuthorizationResponse })
  @NotFound
  async show(
    @Ctx() ctx: RequestContext,
    @Param('authorization_id') id: string,
  ): Promise<AuthorizationResponse> {
    const { authorization, policies } = await this.view.get(ctx, id);
    return AuthorizationResponse.from(authorization, policies);
  }

  @Delete(':authorization_id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @Guarded(
    Actions.authorizationDelete,
    'Delete an authorization',
    'Needs {"confirm": "DELETE"}. The user can then no longer use ModelArts. Cannot be undone.',
  )
  @ApiNoContentResponse()
  @Unconfirmed
  @NotFound
  async remove(
    @Ctx() ctx: RequestContext,
    @Param('authorization_id') id: string,
    @Body() _confirm: ConfirmDeleteRequest,
  ): Promise<void> {
    await this.revoke.one(ctx, id);
  }

  @Delete()
  @Guarded(
    Actions.authorizationDelete,
    'Clear all authorizations',
    'Needs {"confirm": "DELETE"}. The account and all its users can then no longer use ModelArts.',
  )
  @ApiOkResponse({ type: ClearedAuthorizationsResponse })
  @Unconfirmed
  @NotFound
  async clear(
    @Ctx() ctx: RequestContext,
    @Body() _confirm: ConfirmDeleteRequest,
  ): Promise<ClearedAuthorizationsResponse> {
    return { deleted: await this.revoke.all(ctx) };
  }
}
