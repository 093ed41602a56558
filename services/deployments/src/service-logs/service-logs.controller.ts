import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import {
  Actions,
  IamGuard,
  ProjectCtx,
  ProjectGuarded,
  type ProjectRequestContext,
} from '@maas/auth';
import { ErrorBodyDto } from '@maas/errors';
import { ServiceLogsQuery, ServiceLogsResponse } from './dto/service-logs.dto.js';
import { ReadServiceLogs } from './read-service-logs.js';

@ApiTags('model services')
@UseGuards(IamGuard)
@Controller('v1/:project_id/services')
export class ServiceLogsController {
  constructor(private readonly logs: ReadServiceLogs) {}

  @Get(':service_id/logs')
  @ProjectGuarded(
    Actions.serviceGetLogs,
    "Search a service's logs",
    'The model server logs of its instances, read through the Kubernetes API, filtered by ' +
      'text (`search`) and time (`since`, `until`); the newest `limit` lines, oldest first. ' +
      'Instances whose logs cannot be read are named in `notes`.',
  )
  @ApiOkResponse({ type: ServiceLogsResponse })
  @ApiServiceUnavailableResponse({ type: ErrorBodyDto, description: 'Kubernetes API unreachable' })
  get(
    @ProjectCtx() ctx: ProjectRequestContext,
    @Param('service_id') id: string,
    @Query() query: ServiceLogsQuery,
  ): Promise<ServiceLogsResponse> {
    return this.logs.execute(ctx, id, query);
  }
}
