import { Injectable } from '@nestjs/common';
import { type ProjectRequestContext } from '@maas/auth';
import { ModelCatalog } from '../../catalog/index.js';
import { isNewerVersion, isVersion } from '../../catalog/versions.js';
import { COMMAND_ALLOWED_STATES, InvalidCommandError } from '../../lifecycle/index.js';
import { type UpgradeServiceRequest } from '../dto/service-operations.request.js';
import { type ModelServiceEntity } from '../model-service.entity.js';
import { ServiceNotFoundError } from '../model-services.errors.js';
import { ModelServicesRepository } from '../model-services.repository.js';
import { ServiceLifecycleStore } from '../service-lifecycle.store.js';

/**
 * Upgrades a running (or alarm) service to a newer Model Square version of its model
 * (rolling, no rollback). The state machine checks state and "newer"; this checks that the
 * version exists in the catalog.
 */
@Injectable()
export class UpgradeService {
  constructor(
    private readonly services: ModelServicesRepository,
    private readonly catalog: ModelCatalog,
    private readonly store: ServiceLifecycleStore,
  ) {}

  async execute(
    ctx: ProjectRequestContext,
    serviceId: string,
    body: UpgradeServiceRequest,
  ): Promise<ModelServiceEntity> {
    const service = await this.services.find(ctx.projectId, serviceId);
    if (!service) throw new ServiceNotFoundError(serviceId);
    const target = body.model_version;
    this.refuseUnknownVersion(service, target);
    const outcome = await this.store.apply(
      { projectId: ctx.projectId, serviceId },
      { type: 'upgrade', modelVersion: typeof target === 'string' ? target : String(target) },
      ctx.requestId,
    );
    return outcome.service;
  }

  private refuseUnknownVersion(service: ModelServiceEntity, target: unknown): void {
    if (!COMMAND_ALLOWED_STATES.upgrade.includes(service.state)) return; // 409 comes first
    if (typeof target !== 'string' || !isVersion(target)) return; // the state machine says why
    if (!isNewerVersion(target, service.modelVersion)) return;
    const versions = this.catalog.get(service.modelId)?.versions.map((v) => v.version) ?? [];
    if (!versions.includes(target))
      throw new InvalidCommandError('upgrade', {
        field: 'model_version',
        problem: `must be a Model Square version of ${service.modelName}: ${versions.join(', ')}`,
      });
  }
}
