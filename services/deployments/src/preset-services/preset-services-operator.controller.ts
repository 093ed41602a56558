import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { OperatorOnly, RequestId } from '@maas/auth';
import { ErrorBodyDto } from '@maas/errors';
import {
  OperatorPresetServiceListResponse,
  OperatorPresetServiceResponse,
  PublishPresetRequest,
} from './dto/preset-service.dto.js';
import { PublishPreset } from './usecases/publish-preset.js';

/**
 * The operator's preset-service API (SPEC §8): publish a service deployed in a platform
 * account to every tenant of the region. X-Operator-Token only; tenants' tokens play no part.
 */
@ApiTags('preset services (operator)')
@OperatorOnly()
@Controller('v1/operator/preset-services')
export class PresetServicesOperatorController {
  constructor(private readonly publishing: PublishPreset) {}

  @Get()
  @ApiOperation({
    summary: 'List the published preset services of the region (operator)',
    description: 'With the number of accounts that enabled each. Needs X-Operator-Token.',
  })
  @ApiOkResponse({ type: OperatorPresetServiceListResponse })
  list(): Promise<OperatorPresetServiceListResponse> {
    return this.publishing.list();
  }

  @Put(':service_id')
  @ApiOperation({
    summary: 'Publish or unpublish a service as a preset service (operator)',
    description:
      'Body {"preset": true|false}. Any service of the region (deploy it in the platform ' +
      "account). Bumps the service's version and publishes ServiceStateChanged " +
      '(PresetPublished / PresetUnpublished) and a ServiceChanged snapshot with `preset` on ' +
      "maas.deployments.v1. Unpublishing keeps the accounts' choices. A repeat changes " +
      'nothing. Needs X-Operator-Token.',
  })
  @ApiOkResponse({ type: OperatorPresetServiceResponse })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: '`preset` is not a boolean' })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'No such service (DEPLOY.0401)' })
  @ApiConflictResponse({
    type: ErrorBodyDto,
    description: 'Being deleted (DEPLOY.0702), or changed meanwhile (DEPLOY.0403, retry)',
  })
  publish(
    @Param('service_id') serviceId: string,
    @Body() body: PublishPresetRequest,
    @RequestId() requestId: string,
  ): Promise<OperatorPresetServiceResponse> {
    return this.publishing.execute(serviceId, body?.preset, requestId);
  }
}
