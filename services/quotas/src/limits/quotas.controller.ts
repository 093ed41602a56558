import { Body, Controller, Get, Param, Put, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actions, IamGuard } from '@maas/auth';
import { ErrorBodyDto } from '@maas/errors';
import { Guarded } from '../common/guarded.decorator.js';
import { Ctx, type RequestContext } from '../common/request-context.js';
import { QuotasResponse, SetQuotasRequest } from './dto/quotas.dto.js';
import { GetQuotas } from './usecases/get-quotas.js';
import { SetQuotas } from './usecases/set-quotas.js';

@ApiTags('quotas')
@UseGuards(IamGuard)
@Controller('v1/:project_id/quotas')
export class QuotasController {
  constructor(
    private readonly getQuotas: GetQuotas,
    private readonly setQuotas: SetQuotas,
  ) {}

  @Get()
  @Guarded(
    Actions.quotaGet,
    'Show the quotas in force',
    'API keys and agencies per account; NPUs per pool and free tokens per preset model for this project; with what is used.',
  )
  @ApiOkResponse({ type: QuotasResponse })
  async show(
    @Ctx() ctx: RequestContext,
    @Param('project_id') projectId: string,
  ): Promise<QuotasResponse> {
    return { quotas: { resources: await this.getQuotas.execute(ctx, projectId) } };
  }

  @Put()
  @Guarded(
    Actions.quotaUpdate,
    'Override quotas',
    'Sets quotas of the account (api_keys, agencies) and of this project (pool_npus per pool, ' +
      'free_tokens per preset model); a null quota returns to the default. Published on ' +
      'maas.quotas.v1 (QuotaLimitsChanged).',
  )
  @ApiOkResponse({ type: QuotasResponse })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  async update(
    @Ctx() ctx: RequestContext,
    @Param('project_id') projectId: string,
    @Body() body: SetQuotasRequest,
  ): Promise<QuotasResponse> {
    await this.setQuotas.execute(ctx, projectId, body.resources);
    return this.show(ctx, projectId);
  }
}
