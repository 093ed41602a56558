import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Put,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Actions, Ctx, Guarded, IamGuard, type RequestContext } from '@maas/auth';
import { ErrorBodyDto } from '@maas/errors';
import { PolicyListResponse, PolicyResponse, SetKeyPolicyRequest } from './dto/policy.dto.js';
import { DeletePolicy } from './usecases/delete-policy.js';
import { ListPolicies } from './usecases/list-policies.js';
import { SetKeyPolicy } from './usecases/set-key-policy.js';

@ApiTags('rate-limit-policies')
@UseGuards(IamGuard)
@Controller('v1/:project_id/rate-limit-policies')
export class PoliciesController {
  constructor(
    private readonly list: ListPolicies,
    private readonly setKey: SetKeyPolicy,
    private readonly remove: DeletePolicy,
  ) {}

  @Get()
  @Guarded(
    Actions.quotaGet,
    "List the project's rate-limit policies",
    "Keys' RPM/TPM (per model where set) and services' QPS.",
  )
  @ApiOkResponse({ type: PolicyListResponse })
  async index(
    @Ctx() ctx: RequestContext,
    @Param('project_id') projectId: string,
  ): Promise<PolicyListResponse> {
    return {
      policies: (await this.list.execute(ctx, projectId)).map((p) => PolicyResponse.from(p)),
    };
  }

  @Put()
  @Guarded(
    Actions.quotaUpdate,
    "Set an API key's RPM/TPM limits",
    'Creates or replaces the policy of the key (and model, if given); published on maas.quotas.v1 ' +
      'and enforced by every gateway replica (ModelArts.81101 / 81103 above it).',
  )
  @ApiOkResponse({ type: PolicyResponse })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  @ApiNotFoundResponse({
    type: ErrorBodyDto,
    description: 'No such key in the project (QUOTAS.0202)',
  })
  async set(
    @Ctx() ctx: RequestContext,
    @Param('project_id') projectId: string,
    @Body() body: SetKeyPolicyRequest,
  ): Promise<PolicyResponse> {
    const policy = await this.setKey.execute(ctx, projectId, {
      keyId: body.key_id,
      model: body.model ?? '',
      rpm: body.rpm,
      tpm: body.tpm,
    });
    return PolicyResponse.from(policy);
  }

  @Delete(':policy_id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @Guarded(Actions.quotaUpdate, "Remove an API key's rate-limit policy")
  @ApiNoContentResponse()
  @ApiNotFoundResponse({
    type: ErrorBodyDto,
    description: 'No such policy in the project (QUOTAS.0201)',
  })
  @ApiConflictResponse({ type: ErrorBodyDto, description: "A service's QPS (QUOTAS.0203)" })
  async delete(
    @Ctx() ctx: RequestContext,
    @Param('project_id') projectId: string,
    @Param('policy_id') id: string,
  ): Promise<void> {
    await this.remove.execute(ctx, projectId, id);
  }
}
