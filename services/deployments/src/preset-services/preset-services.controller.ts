import { Body, Controller, Get, Param, Put, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  Actions,
  IamGuard,
  ProjectCtx,
  ProjectGuarded,
  type ProjectRequestContext,
} from '@maas/auth';
import { ErrorBodyDto } from '@maas/errors';
import {
  PresetServiceListResponse,
  PresetServiceResponse,
  SetPresetAccessRequest,
} from './dto/preset-service.dto.js';
import { ReadPresets } from './usecases/read-presets.js';
import { SetPresetAccess } from './usecases/set-preset-access.js';

/**
 * Preset services as a tenant sees them (SPEC §8): the services the operator published to
 * every tenant of the region, and enabling one for the caller's account.
 */
@ApiTags('preset services')
@UseGuards(IamGuard)
@Controller('v1/:project_id/preset-services')
export class PresetServicesController {
  constructor(
    private readonly reading: ReadPresets,
    private readonly setting: SetPresetAccess,
  ) {}

  @Get()
  @ProjectGuarded(
    Actions.serviceList,
    'List the preset services of the region',
    'Services the platform operator publishes to every tenant; called by model name on the ' +
      'region endpoints once enabled for the account (`enabled`).',
  )
  @ApiOkResponse({ type: PresetServiceListResponse })
  list(@ProjectCtx() ctx: ProjectRequestContext): Promise<PresetServiceListResponse> {
    return this.reading.list(ctx);
  }

  @Get(':service_id')
  @ProjectGuarded(Actions.serviceGet, 'Show a preset service')
  @ApiOkResponse({ type: PresetServiceResponse })
  get(
    @ProjectCtx() ctx: ProjectRequestContext,
    @Param('service_id') serviceId: string,
  ): Promise<PresetServiceResponse> {
    return this.reading.one(ctx, serviceId);
  }

  @Put(':service_id')
  @ProjectGuarded(
    Actions.serviceUpdate,
    "Enable or disable a preset service for the caller's account",
    'Body {"enabled": true|false}. Published as PresetServiceAccessChanged on ' +
      'maas.deployments.v1; the gateway answers 401 ModelArts.81004 to calls of a preset ' +
      'service the account has not enabled.',
  )
  @ApiOkResponse({ type: PresetServiceResponse })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: '`enabled` is not a boolean' })
  set(
    @ProjectCtx() ctx: ProjectRequestContext,
    @Param('service_id') serviceId: string,
    @Body() body: SetPresetAccessRequest,
  ): Promise<PresetServiceResponse> {
    return this.setting.execute(ctx, serviceId, body?.enabled);
  }
}
