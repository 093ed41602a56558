import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actions, Ctx, Guarded, IamGuard, type RequestContext } from '@maas/auth';
import { ErrorBodyDto } from '@maas/errors';
import { UsageQueryRequest, UsageResponse } from './dto/usage.dto.js';
import { QueryUsage } from './usecases/query-usage.js';

@ApiTags('usage')
@UseGuards(IamGuard)
@Controller('v1/:project_id/usage')
export class UsageController {
  constructor(private readonly queryUsage: QueryUsage) {}

  @Get()
  @Guarded(
    Actions.usageGet,
    'Query token usage',
    'Requests and tokens per minute or day (UTC), for the project or the whole account, broken ' +
      'down by project, key, service and model as asked. Counted from maas.usage.v1, usually within a second.',
  )
  @ApiOkResponse({ type: UsageResponse })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  query(
    @Ctx() ctx: RequestContext,
    @Param('project_id') projectId: string,
    @Query() q: UsageQueryRequest,
  ): Promise<UsageResponse> {
    return this.queryUsage.execute(ctx, projectId, q);
  }
}
