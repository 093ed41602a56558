import { Inject, Injectable } from '@nestjs/common';
import { DEPLOYMENTS_CONFIG, type DeploymentsConfig } from '../../config.js';
import { InvalidFieldsError } from '../../validation/invalid-fields.error.js';
import { ModelServicesRepository } from '../../model-services/model-services.repository.js';
import { type ModelServiceEntity } from '../../model-services/model-service.entity.js';
import {
  type Amendment,
  ServiceLifecycleStore,
} from '../../model-services/service-lifecycle.store.js';
import {
  type OperatorPresetServiceListResponse,
  OperatorPresetServiceResponse,
} from '../dto/preset-service.dto.js';
import { PresetAccessRepository } from '../preset-access.repository.js';
import { PresetErrorCode, PresetServiceDeletingError } from '../preset-services.errors.js';

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
    const { service } = await this.store.amend(
      serviceId,
      (row) => presetAmendment(row, preset),
      requestId,
    );
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

/**
 * Publishing (`preset` true) or unpublishing changes the routing snapshot, so the store
 * records it like a transition (PresetPublished / PresetUnpublished). The accounts' access
 * rows are kept on unpublishing (they apply again if it is published again). A repeat
 * changes nothing; a service being deleted cannot be published (409).
 */
function presetAmendment(row: ModelServiceEntity, preset: boolean): Amendment | null {
  if (row.preset === preset) return null;
  if (preset && row.state === 'deleting') throw new PresetServiceDeletingError(row.id);
  return {
    changes: { preset },
    reason: preset ? 'PresetPublished' : 'PresetUnpublished',
    message: preset
      ? `Published as a preset service of ${row.region}`
      : `No longer a preset service of ${row.region}`,
  };
}
