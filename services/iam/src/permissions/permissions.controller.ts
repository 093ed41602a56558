import { Body, Controller, Get, HttpCode, HttpStatus, Post, UseGuards } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Ctx, IamGuard, type RequestContext, SelfService } from '@maas/auth';
import { ErrorBodyDto } from '@maas/errors';
import {
  CheckActionRequest,
  CheckActionResponse,
  MissingPermissionsResponse,
} from './dto/permissions.dto.js';
import { CheckAction } from './usecases/check-action.js';
import { GetMissingPermissions } from './usecases/get-missing-permissions.js';

/** What the caller may do, and what it lacks to use MaaS. */
@ApiTags('permissions')
@UseGuards(IamGuard)
@Controller('v3/auth')
export class PermissionsController {
  constructor(
    private readonly checkAction: CheckAction,
    private readonly missingPermissions: GetMissingPermissions,
  ) {}

  @Post('check')
  @HttpCode(HttpStatus.OK)
  @SelfService(
    'Check an action for the caller',
    "Evaluates the caller's policies exactly as every service's guard does (explicit Deny wins).",
  )
  @ApiOkResponse({ type: CheckActionResponse })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: "project_id is not the caller's" })
  async check(
    @Ctx() ctx: RequestContext,
    @Body() body: CheckActionRequest,
  ): Promise<CheckActionResponse> {
    const result = await this.checkAction.execute(ctx, {
      action: body.action,
      projectId: body.project_id,
    });
    return {
      action: result.action,
      project_id: result.projectId,
      decision: result.decision,
      allowed: result.decision === 'allow',
    };
  }

  @Get('missing-permissions')
  @SelfService(
    "The caller's missing MaaS permissions",
    'The IAM actions of seed 002 Table 2-3 the caller lacks, and whether the OBS and SWR ' +
      'dependency authorizations (seed 002 section 2.3) exist for the caller.',
  )
  @ApiOkResponse({ type: MissingPermissionsResponse })
  async missing(@Ctx() ctx: RequestContext): Promise<MissingPermissionsResponse> {
    const result = await this.missingPermissions.execute(ctx);
    return {
      missing_actions: result.missingActions,
      dependency_authorizations: result.dependencies,
      modelarts_authorized: result.modelartsAuthorized,
      complete:
        result.missingActions.length === 0 &&
        result.modelartsAuthorized &&
        result.dependencies.every((d) => d.authorized),
    };
  }
}
