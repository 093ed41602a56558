import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Put,
  Query,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  Actions,
  IamGuard,
  ProjectCtx,
  ProjectGuarded,
  type ProjectRequestContext,
} from '@maas/auth';
import { ErrorBodyDto } from '@maas/errors';
import { ConfirmDeleteRequest } from '../common/confirm.js';
import { PageQuery } from '../common/pagination.dto.js';
import { DeployServiceRequest } from './dto/deploy-service.request.js';
import {
  ServiceEventListResponse,
  ServiceListResponse,
  ServiceResponse,
} from './dto/service.response.js';
import {
  ListServicesQuery,
  ScaleServiceRequest,
  SetQpsRequest,
  UpdateServiceRequest,
  UpgradeServiceRequest,
} from './dto/service-operations.request.js';
import { DeleteService } from './usecases/delete-service.js';
import { DeployService } from './usecases/deploy-service.js';
import { ReadServices } from './usecases/read-services.js';
import { ScaleService } from './usecases/scale-service.js';
import { SetQps } from './usecases/set-qps.js';
import { UpdateService } from './usecases/update-service.js';
import { UpgradeService } from './usecases/upgrade-service.js';

const WrongState = ApiConflictResponse({
  type: ErrorBodyDto,
  description:
    'Not allowed in the current state (DEPLOY.0201, naming the current and allowed states), ' +
    'or changed by another request meanwhile (DEPLOY.0403; re-read and retry)',
});
const Invalid = ApiBadRequestResponse({ type: ErrorBodyDto, description: 'A field is invalid' });

/** My Services (seed 002 §4.2, §4.3): model services and their lifecycle, ModelArts-shaped. */
@ApiTags('model services')
@UseGuards(IamGuard)
@Controller('v1/:project_id/services')
export class ModelServicesController {
  constructor(
    private readonly deploying: DeployService,
    private readonly reading: ReadServices,
    private readonly updating: UpdateService,
    private readonly scaling: ScaleService,
    private readonly rating: SetQps,
    private readonly upgrading: UpgradeService,
    private readonly deleting: DeleteService,
  ) {}

  @Post()
  @ProjectGuarded(
    Actions.serviceCreate,
    'Deploy a Model Square model as a service',
    'Needs a ModelArts authorization for the caller (403 otherwise). Every Table 4-4 rule is ' +
      'checked and all bad fields are named at once. The service starts `queuing` and is ' +
      'admitted when its pool has room for all instances.',
  )
  @ApiCreatedResponse({ type: ServiceResponse })
  @Invalid
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'service_name is taken' })
  async deploy(
    @ProjectCtx() ctx: ProjectRequestContext,
    @Body() body: DeployServiceRequest,
  ): Promise<ServiceResponse> {
    return this.reading.view(await this.deploying.execute(ctx, body));
  }

  @Get()
  @ProjectGuarded(
    Actions.serviceList,
    "List the project's services (filter by status, name; paged)",
  )
  @ApiOkResponse({ type: ServiceListResponse })
  list(
    @ProjectCtx() ctx: ProjectRequestContext,
    @Query() query: ListServicesQuery,
  ): Promise<ServiceListResponse> {
    return this.reading.list(ctx, query);
  }

  @Get(':service_id')
  @ProjectGuarded(
    Actions.serviceGet,
    "Show a service's details",
    'State, reason, queue position, instances, resources and the call description.',
  )
  @ApiOkResponse({ type: ServiceResponse })
  get(
    @ProjectCtx() ctx: ProjectRequestContext,
    @Param('service_id') id: string,
  ): Promise<ServiceResponse> {
    return this.reading.one(ctx, id);
  }

  @Put(':service_id')
  @ProjectGuarded(
    Actions.serviceUpdate,
    'Start or stop a service, or change its description',
    '`{"status": "running"}` starts (from stopped, deployment_failed); `{"status": "stopped"}` ' +
      'stops (from queuing, deploying, starting, running, alarm). A status change cannot be ' +
      'combined with other changes.',
  )
  @ApiOkResponse({ type: ServiceResponse })
  @Invalid
  @WrongState
  async update(
    @ProjectCtx() ctx: ProjectRequestContext,
    @Param('service_id') id: string,
    @Body() body: UpdateServiceRequest,
  ): Promise<ServiceResponse> {
    return this.reading.view(await this.updating.execute(ctx, id, body));
  }

  @Post(':service_id/scale')
  @HttpCode(HttpStatus.OK)
  @ProjectGuarded(
    Actions.serviceScale,
    'Scale a service to a number of instances',
    'From running or alarm; goes to `updating`. Scale-in needs `"confirm": "YES"`.',
  )
  @ApiOkResponse({ type: ServiceResponse })
  @Invalid
  @WrongState
  async scale(
    @ProjectCtx() ctx: ProjectRequestContext,
    @Param('service_id') id: string,
    @Body() body: ScaleServiceRequest,
  ): Promise<ServiceResponse> {
    return this.reading.view(await this.scaling.execute(ctx, id, body));
  }

  @Put(':service_id/qps')
  @ProjectGuarded(
    Actions.serviceUpdate,
    "Set a service's QPS limit",
    'From running or alarm; no state change. Takes effect at the gateway at once.',
  )
  @ApiOkResponse({ type: ServiceResponse })
  @Invalid
  @WrongState
  async setQps(
    @ProjectCtx() ctx: ProjectRequestContext,
    @Param('service_id') id: string,
    @Body() body: SetQpsRequest,
  ): Promise<ServiceResponse> {
    return this.reading.view(await this.rating.execute(ctx, id, body));
  }

  @Post(':service_id/upgrade')
  @HttpCode(HttpStatus.OK)
  @ProjectGuarded(
    Actions.serviceUpgrade,
    'Upgrade a service to a newer model version',
    'From running or alarm; goes to `upgrading` (rolling: current instances keep serving). ' +
      'No rollback.',
  )
  @ApiOkResponse({ type: ServiceResponse })
  @Invalid
  @WrongState
  async upgrade(
    @ProjectCtx() ctx: ProjectRequestContext,
    @Param('service_id') id: string,
    @Body() body: UpgradeServiceRequest,
  ): Promise<ServiceResponse> {
    return this.reading.view(await this.upgrading.execute(ctx, id, body));
  }

  @Delete(':service_id')
  @ProjectGuarded(
    Actions.serviceDelete,
    'Delete a service',
    'Needs `{"confirm": "DELETE"}`; any state. The service goes to `deleting` and disappears ' +
      'once its resources are released. Cannot be restored.',
  )
  @ApiOkResponse({ type: ServiceResponse })
  @Invalid
  async remove(
    @ProjectCtx() ctx: ProjectRequestContext,
    @Param('service_id') id: string,
    @Body() body: ConfirmDeleteRequest,
  ): Promise<ServiceResponse> {
    return this.reading.view(await this.deleting.execute(ctx, id, body?.confirm));
  }

  @Get(':service_id/events')
  @ProjectGuarded(
    Actions.serviceGetEvents,
    "List a service's events (newest first; kept one month)",
  )
  @ApiOkResponse({ type: ServiceEventListResponse })
  events(
    @ProjectCtx() ctx: ProjectRequestContext,
    @Param('service_id') id: string,
    @Query() query: PageQuery,
  ): Promise<ServiceEventListResponse> {
    return this.reading.events(ctx, id, query);
  }
}
