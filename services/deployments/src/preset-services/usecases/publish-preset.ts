import { Inject, Injectable } from '@nestjs/common';
import { DEPLOYMENTS_CONFIG, type DeploymentsConfig } from '../../config.js';
import { InvalidFieldsError } from '../../validation/invalid-fields.error.js';
import { ModelServicesRepository } from '../../model-services/model-services.repository.js';
import { ServiceLifecycleStore } from '../../model-services/service-lifecycle.store.js';
import {
  type OperatorPresetServiceListResponse,
  OperatorPresetServiceResponse,
} from '../dto/preset-service.dto.js';
import { PresetAccessRepository } from '../preset-access.repository.js';
import { PresetErrorCode } from '../preset-services.errors.js';

/**
 * The operator's side of preset services (SPEC §8): publish a service (deployed in a
 * platform account) to every tenant of its region, unpublish it, list what is published.
 */
@Injectable()
export class PublishPreset {
  constructor(
    private readonly store: ServiceLifecycleStore,
    private readonly services: ModelServicesRepository,
    private readonly access: PresetAccessRepository,
    @Inject(DEPLOYMENTS_CONFIG) private readonly config: DeploymentsConfig,
  ) {}

  async execute(
    serviceId: string,
    preset: unknown,
    requestId: string,
  ): Promise<OperatorPresetServiceResponse> {
    if (typeof preset !== 'boolean')
      throw new InvalidFieldsError(PresetErrorCode.InvalidPresetRequest, 'Invalid request', [
        { field: 'preset', problem: 'must be true or false' },
      ]);
    const { service } = await this.store.setPreset(serviceId, preset, requestId);
    const counts = await this.access.enabledCounts([service.id]);
    return OperatorPresetServiceResponse.from(service, counts.get(service.id) ?? 0);
  }

  async list(): Promise<OperatorPresetServiceListResponse> {
    const presets = await this.services.presetsOf(this.config.REGION);
    const counts = await this.access.enabledCounts(presets.map((s) => s.id));
    const services = presets.map((s) =>
      OperatorPresetServiceResponse.from(s, counts.get(s.id) ?? 0),
    );
    return { total: services.length, services };
  }
}
