import { Body, Controller, Get, Param, Put, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  Actions,
  Ctx,
  Guarded,
  IamGuard,
  OperatorOnly,
  type RequestContext,
  RequestId,
} from '@maas/auth';
import { ErrorBodyDto } from '@maas/errors';
import { QuotasResponse, SetQuotasRequest } from './dto/quotas.dto.js';
import { GetQuotas } from './usecases/get-quotas.js';
import { SetQuotas } from './usecases/set-quotas.js';

/**
 * Tenants read the quotas in force (IAM token, modelarts:quota:get); only the platform
 * operator overrides them (X-Operator-Token): a tenant's policy, whatever it allows, never
 * raises its own limits.
 */
@ApiTags('quotas')
@Controller('v1/:project_id/quotas')
export class QuotasController {
  constructor(
    private readonly getQuotas: GetQuotas,
    private readonly setQuotas: SetQuotas,
  ) {}

  @Get()
  @UseGuards(IamGuard)
  @Guarded(
    Actions.quotaGet,
    'Show the quotas in force',
    'API keys and agencies per account; NPUs per pool and free tokens per preset model for this project; with what is used.',
  )
  @ApiOkResponse({ type: QuotasResponse })
  async show(
    @Ctx() { caller }: RequestContext,
    @Param('project_id') projectId: string,
  ): Promise<QuotasResponse> {
    return { quotas: { resources: await this.getQuotas.execute(caller.accountId, projectId) } };
  }

  @Put()
  @OperatorOnly()
  @ApiOperation({
    summary: 'Override quotas (operator)',
    description:
      "Sets quotas of the project's account (api_keys, agencies) and of this project " +
      '(pool_npus per pool, free_tokens per preset model); a null quota returns to the ' +
      'default. Published on maas.quotas.v1 (QuotaLimitsChanged). Operator only: needs ' +
      "X-Operator-Token; tenants' tokens and policies are not accepted.",
  })
  @ApiOkResponse({ type: QuotasResponse })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'No such project (IAM.0004)' })
  async update(
    @Param('project_id') projectId: string,
    @Body() body: SetQuotasRequest,
    @RequestId() requestId: string,
  ): Promise<QuotasResponse> {
    const accountId = await this.setQuotas.execute(projectId, body.resources, requestId);
    return { quotas: { resources: await this.getQuotas.execute(accountId, projectId) } };
  }
}
