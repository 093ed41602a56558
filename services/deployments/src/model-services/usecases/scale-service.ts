import { Injectable } from '@nestjs/common';
import { type ProjectRequestContext } from '@maas/auth';
import { COMMAND_ALLOWED_STATES } from '../../lifecycle/index.js';
import { PoolCapacityService } from '../../pools/pool-capacity.service.js';
import { PoolsRepository } from '../../pools/pools.repository.js';
import { type ScaleServiceRequest } from '../dto/service-operations.request.js';
import { instanceCountProblem } from '../../validation/limits.js';
import { type ModelServiceEntity } from '../model-service.entity.js';
import { ExceedsPoolError, ServiceNotFoundError } from '../model-services.errors.js';
import { ModelServicesRepository } from '../model-services.repository.js';
import { ServiceLifecycleStore } from '../service-lifecycle.store.js';

/**
 * Scales a running (or alarm) service to `instance_count`; scale-in needs
 * `"confirm": "YES"`. A scale-out beyond what the whole pool can ever hold, or beyond the
 * project's pool_npus quota (SPEC §7), is refused up front; otherwise the reconciler adds
 * the instances as room appears.
 */
@Injectable()
export class ScaleService {
  constructor(
    private readonly services: ModelServicesRepository,
    private readonly pools: PoolsRepository,
    private readonly capacity: PoolCapacityService,
    private readonly store: ServiceLifecycleStore,
  ) {}

  async execute(
    ctx: ProjectRequestContext,
    serviceId: string,
    body: ScaleServiceRequest,
  ): Promise<ModelServiceEntity> {
    const service = await this.services.find(ctx.projectId, serviceId);
    if (!service) throw new ServiceNotFoundError(serviceId);
    const target = body.instance_count;
    if (this.isScaleOut(service, target)) await this.refuseIfNeverFits(ctx, service, target);
    const outcome = await this.store.apply(
      { projectId: ctx.projectId, serviceId },
      {
        type: 'scale',
        instanceCount: target as number,
        ...(body.confirm === undefined ? {} : { confirm: body.confirm as string }),
      },
      ctx.requestId,
    );
    return outcome.service;
  }

  private isScaleOut(service: ModelServiceEntity, target: unknown): target is number {
    return (
      COMMAND_ALLOWED_STATES.scale.includes(service.state) &&
      instanceCountProblem(target) === null &&
      (target as number) > service.instances
    );
  }

  private async refuseIfNeverFits(
    ctx: ProjectRequestContext,
    service: ModelServiceEntity,
    target: number,
  ): Promise<void> {
    const pool = await this.pools.find(ctx.projectId, service.poolId);
    if (!pool) return;
    const fit = await this.capacity.fitsWholePool(pool, {
      instances: target,
      npusPerInstance: service.npusPerInstance,
      nodesPerInstance: service.nodesPerInstance,
    });
    if (!fit || fit.fits) return;
    throw new ExceedsPoolError({
      field: 'instance_count',
      problem: `needs ${target} × ${service.npusPerInstance} NPUs, more than pool ${pool.name} can ever hold (${fit.npus} NPUs on ${fit.nodes} node(s))`,
    });
  }
}
