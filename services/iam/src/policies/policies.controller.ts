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
  CreatePolicyRequest,
  PolicyListResponse,
  PolicyResponse,
  UpdatePolicyRequest,
} from './dto/policy.dto.js';
import { CreatePolicy } from './usecases/create-policy.js';
import { DeletePolicy } from './usecases/delete-policy.js';
import { GetPolicy } from './usecases/get-policy.js';
import { UpdatePolicy } from './usecases/update-policy.js';

const NotFound = ApiNotFoundResponse({ type: ErrorBodyDto, description: 'No such policy' });

@ApiTags('policies')
@UseGuards(IamGuard)
@Controller('v3/policies')
export class PoliciesController {
  constructor(
    private readonly createPolicy: CreatePolicy,
    private readonly getPolicy: GetPolicy,
    private readonly updatePolicy: UpdatePolicy,
    private readonly deletePolicy: DeletePolicy,
  ) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @Guarded(Actions.policiesCreate, 'Create a custom policy')
  @ApiCreatedResponse({ type: PolicyResponse })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'Invalid body or policy document' })
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'Name taken (IAM.0402)' })
  async create(
    @Ctx() ctx: RequestContext,
    @Body() body: CreatePolicyRequest,
  ): Promise<PolicyResponse> {
    return PolicyResponse.from(await this.createPolicy.execute(ctx, body));
  }

  @Get()
  @Guarded(Actions.policiesList, "List the system policies and the account's custom policies")
  @ApiOkResponse({ type: PolicyListResponse })
  async list(@Ctx() ctx: RequestContext): Promise<PolicyListResponse> {
    return { policies: (await this.getPolicy.list(ctx)).map((p) => PolicyResponse.from(p)) };
  }

  @Get(':policy_id')
  @Guarded(Actions.policiesGet, 'Show a policy')
  @ApiOkResponse({ type: PolicyResponse })
  @NotFound
  async show(@Ctx() ctx: RequestContext, @Param('policy_id') id: string): Promise<PolicyResponse> {
    return PolicyResponse.from(await this.getPolicy.execute(ctx, id));
  }

  @Patch(':policy_id')
  @Guarded(
    Actions.policiesUpdate,
    'Change a custom policy',
    'A new document takes effect at once for every user holding the policy. System policies are read-only.',
  )
  @ApiOkResponse({ type: PolicyResponse })
  @NotFound
  async update(
    @Ctx() ctx: RequestContext,
    @Param('policy_id') id: string,
    @Body() body: UpdatePolicyRequest,
  ): Promise<PolicyResponse> {
    return PolicyResponse.from(await this.updatePolicy.execute(ctx, id, body));
  }

  @Delete(':policy_id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @Guarded(Actions.policiesDelete, 'Delete a custom policy (detach it everywhere first)')
  @ApiNoContentResponse()
  @NotFound
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'Still attached (IAM.0405)' })
  async remove(@Ctx() ctx: RequestContext, @Param('policy_id') id: string): Promise<void> {
    await this.deletePolicy.execute(ctx, id);
  }
}
