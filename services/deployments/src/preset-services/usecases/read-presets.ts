import { Inject, Injectable } from '@nestjs/common';
import { type ProjectRequestContext } from '@maas/auth';
import { DEPLOYMENTS_CONFIG, type DeploymentsConfig } from '../../config.js';
import { callDescription } from '../../model-services/call-description.js';
import { type ModelServiceEntity } from '../../model-services/model-service.entity.js';
import { ModelServicesRepository } from '../../model-services/model-services.repository.js';
import {
  type PresetServiceListResponse,
  PresetServiceResponse,
} from '../dto/preset-service.dto.js';
import { PresetAccessRepository } from '../preset-access.repository.js';
import { PresetServiceNotFoundError } from '../preset-services.errors.js';

/** The preset services of the installation's region, with the caller account's access. */
@Injectable()
export class ReadPresets {
  constructor(
    private readonly services: ModelServicesRepository,
    private readonly access: PresetAccessRepository,
    @Inject(DEPLOYMENTS_CONFIG) private readonly config: DeploymentsConfig,
  ) {}

  async list(ctx: ProjectRequestContext): Promise<PresetServiceListResponse> {
    const presets = await this.services.presetsOf(this.config.REGION);
    const enabled = await this.access.enabledAmong(
      ctx.caller.accountId,
      presets.map((s) => s.id),
    );
    const services = presets.map((s) => this.view(s, enabled.has(s.id)));
    return { total: services.length, services };
  }

  async one(ctx: ProjectRequestContext, serviceId: string): Promise<PresetServiceResponse> {
    const service = await this.services.findPreset(this.config.REGION, serviceId);
    if (!service) throw new PresetServiceNotFoundError(serviceId);
    const enabled = await this.access.enabledAmong(ctx.caller.accountId, [service.id]);
    return this.view(service, enabled.has(service.id));
  }

  view(service: ModelServiceEntity, enabled: boolean): PresetServiceResponse {
    return PresetServiceResponse.from(
      service,
      enabled,
      callDescription(this.config.PUBLIC_BASE_URL, service),
    );
  }
}
