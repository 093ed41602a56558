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
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Actions, Ctx, Guarded, IamGuard, type RequestContext } from '@maas/auth';
import { ErrorBodyDto } from '@maas/errors';
import { ScopeRequest } from '../common/scope.dto.js';
import { AttachedPolicyListResponse, AttachedPolicyResponse } from './dto/attachment.dto.js';
import { AttachPolicy } from './usecases/attach-policy.js';
import { DetachPolicy } from './usecases/detach-policy.js';
import { ListAttachedPolicies } from './usecases/list-attached-policies.js';

const NotFound = ApiNotFoundResponse({
  type: ErrorBodyDto,
  description: 'No such group/agency or policy in the account, or not attached',
});
const BadScope = ApiBadRequestResponse({
  type: ErrorBodyDto,
  description: "Invalid scope (project_ids not the account's)",
});

/** Policies attached to groups (their members hold them) and to agencies (ModelArts holds them). */
@ApiTags('policy attachments')
@UseGuards(IamGuard)
@Controller('v3')
export class AttachmentsController {
  constructor(
    private readonly attachPolicy: AttachPolicy,
    private readonly detachPolicy: DetachPolicy,
    private readonly listAttached: ListAttachedPolicies,
  ) {}

  @Put('groups/:group_id/policies/:policy_id')
  @Guarded(
    Actions.permissionsGrant,
    'Attach a policy to a group',
    "Scope `global` or a list of the account's projects. Attaching again changes the scope. " +
      'Takes effect at once for every member.',
  )
  @ApiOkResponse({ type: AttachedPolicyResponse })
  @NotFound
  @BadScope
  async attachToGroup(
    @Ctx() ctx: RequestContext,
    @Param('group_id') groupId: string,
    @Param('policy_id') policyId: string,
    @Body() body: ScopeRequest,
  ): Promise<AttachedPolicyResponse> {
    const principal = { kind: 'group', id: groupId } as const;
    return AttachedPolicyResponse.of(
      await this.attachPolicy.execute(ctx, principal, policyId, body),
    );
  }

  @Delete('groups/:group_id/policies/:policy_id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @Guarded(Actions.permissionsRevoke, 'Detach a policy from a group')
  @ApiNoContentResponse()
  @NotFound
  async detachFromGroup(
    @Ctx() ctx: RequestContext,
    @Param('group_id') groupId: string,
    @Param('policy_id') policyId: string,
  ): Promise<void> {
    await this.detachPolicy.execute(ctx, { kind: 'group', id: groupId }, policyId);
  }

  @Get('groups/:group_id/policies')
  @Guarded(Actions.permissionsListForGroup, "List a group's policies with their scopes")
  @ApiOkResponse({ type: AttachedPolicyListResponse })
  @NotFound
  async listOfGroup(
    @Ctx() ctx: RequestContext,
    @Param('group_id') groupId: string,
  ): Promise<AttachedPolicyListResponse> {
    const attached = await this.listAttached.execute(ctx, { kind: 'group', id: groupId });
    return { policies: attached.map((a) => AttachedPolicyResponse.of(a)) };
  }

  @Put('agencies/:agency_id/policies/:policy_id')
  @Guarded(
    Actions.permissionsGrantToAgency,
    'Attach a policy to an agency',
    'What ModelArts may do through the agency. Attaching again changes the scope.',
  )
  @ApiOkResponse({ type: AttachedPolicyResponse })
  @NotFound
  @BadScope
  async attachToAgency(
    @Ctx() ctx: RequestContext,
    @Param('agency_id') agencyId: string,
    @Param('policy_id') policyId: string,
    @Body() body: ScopeRequest,
  ): Promise<AttachedPolicyResponse> {
    const principal = { kind: 'agency', id: agencyId } as const;
    return AttachedPolicyResponse.of(
      await this.attachPolicy.execute(ctx, principal, policyId, body),
    );
  }

  @Delete('agencies/:agency_id/policies/:policy_id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @Guarded(Actions.permissionsRevokeFromAgency, 'Detach a policy from an agency')
  @ApiNoContentResponse()
  @NotFound
  async detachFromAgency(
    @Ctx() ctx: RequestContext,
    @Param('agency_id') agencyId: string,
    @Param('policy_id') policyId: string,
  ): Promise<void> {
    await this.detachPolicy.execute(ctx, { kind: 'agency', id: agencyId }, policyId);
  }

  @Get('agencies/:agency_id/policies')
  @Guarded(Actions.permissionsListForAgency, "List an agency's policies with their scopes")
  @ApiOkResponse({ type: AttachedPolicyListResponse })
  @NotFound
  async listOfAgency(
    @Ctx() ctx: RequestContext,
    @Param('agency_id') agencyId: string,
  ): Promise<AttachedPolicyListResponse> {
    const attached = await this.listAttached.execute(ctx, { kind: 'agency', id: agencyId });
    return { policies: attached.map((a) => AttachedPolicyResponse.of(a)) };
  }
}
