import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { IamProjection, type ProjectRequestContext } from '@maas/auth';
import { ModelCatalog } from '../../catalog/index.js';
import { DEPLOYMENTS_CONFIG, type DeploymentsConfig } from '../../config.js';
import { createLifecycle, type ServiceState } from '../../lifecycle/index.js';
import { PoolCapacityService } from '../../pools/pool-capacity.service.js';
import { type PoolEntity } from '../../pools/pool.entity.js';
import { PoolsRepository } from '../../pools/pools.repository.js';
import { type DeployServiceRequest } from '../dto/deploy-service.request.js';
import { type ModelServiceEntity } from '../model-service.entity.js';
import { ExceedsPoolError, NotAuthorizedToDeployError } from '../model-services.errors.js';
import { ServiceLifecycleStore } from '../service-lifecycle.store.js';
import { desiredStatusOf } from '../service-row.js';
import {
  type DeployServiceRequest as DeployBody,
  type DeploySpec,
  InvalidDeployRequestError,
  validateDeployRequest,
} from '../../validation/index.js';

/** Kubernetes names of a service: one namespace per project, one name per service. */
export function kubernetesNames(projectId: string, serviceId: string) {
  return { namespace: `maas-${projectId}`, name: `ms-${serviceId}` };
}

/**
 * Deploys a model service (Table 4-4): the caller must hold a ModelArts authorization
 * (from the IAM projection); every rule is checked at once; a request that could never fit
 * its pool (more NPUs than all its nodes have) is refused up front, and so is one beyond the
 * project's pool_npus quota (SPEC §7). The new service is `queuing`: the reconciler admits it
 * when the pool has room.
 */
@Injectable()
export class DeployService {
  constructor(
    private readonly projection: IamProjection,
    private readonly catalog: ModelCatalog,
    private readonly pools: PoolsRepository,
    private readonly capacity: PoolCapacityService,
    private readonly store: ServiceLifecycleStore,
    @Inject(DEPLOYMENTS_CONFIG) private readonly config: DeploymentsConfig,
  ) {}

  async execute(
    ctx: ProjectRequestContext,
    body: DeployServiceRequest,
  ): Promise<ModelServiceEntity> {
    if (!(await this.projection.isModelArtsAuthorized(ctx.caller.accountId, ctx.caller.userId)))
      throw new NotAuthorizedToDeployError(ctx.projectId);
    const pools = await this.pools.listOf(ctx.projectId);
    const spec = validateDeployRequest(body as unknown as DeployBody, {
      catalog: this.catalog,
      pools: new Map(
        pools.map((p) => [p.id, { id: p.id, region: p.region, flavorIds: p.flavorIds }]),
      ),
      region: this.config.REGION,
      allowHttpWebhooks: this.config.WEBHOOK_ALLOW_HTTP,
    });
    if (spec instanceof InvalidDeployRequestError) throw spec;
    const pool = pools.find((p) => p.id === spec.poolId) as PoolEntity;
    await this.refuseIfNeverFits(pool, spec);
    const id = randomUUID();
    const created = createLifecycle({
      instances: spec.instances,
      modelVersion: spec.resolved.version.version,
      qps: spec.qps,
    });
    return this.store.create(
      this.newRow(ctx, id, spec, created.lifecycle.state),
      created,
      ctx.requestId,
    );
  }

  private async refuseIfNeverFits(pool: PoolEntity, spec: DeploySpec): Promise<void> {
    const demand = {
      instances: spec.instances,
      npusPerInstance: spec.flavor.npusPerInstance,
      nodesPerInstance: spec.flavor.nodesPerInstance,
    };
    const fit = await this.capacity.fitsWholePool(pool, demand);
    if (!fit || fit.fits) return;
    throw new ExceedsPoolError({
      field: 'config[0].instance_count',
      problem: `needs ${spec.instances} × ${spec.flavor.npusPerInstance} NPUs (${spec.flavor.id}, ${spec.flavor.nodesPerInstance} node(s) per instance), more than pool ${pool.name} can ever hold (${fit.npus} NPUs on ${fit.nodes} node(s)); choose fewer instances, a smaller flavor or a larger pool`,
    });
  }

  private newRow(
    ctx: ProjectRequestContext,
    id: string,
    spec: DeploySpec,
    state: ServiceState,
  ): ModelServiceEntity {
    const now = new Date();
    const k8s = kubernetesNames(ctx.projectId, id);
    const { resolved, flavor } = spec;
    return {
      id,
      accountId: ctx.caller.accountId,
      projectId: ctx.projectId,
      region: this.config.REGION,
      name: spec.serviceName,
      description: spec.description,
      modelId: resolved.model.id,
      modelName: resolved.model.name,
      modelVersion: resolved.version.version,
      variantId: resolved.variant.id,
      catalogVersion: resolved.catalogVersion,
      contextLength: resolved.variant.contextLength,
      maxInputTokens: resolved.variant.maxInputTokens,
      maxOutputTokens: resolved.variant.maxOutputTokens,
      flavorId: flavor.id,
      npusPerInstance: flavor.npusPerInstance,
      nodesPerInstance: flavor.nodesPerInstance,
      poolId: spec.poolId,
      port: resolved.server.port,
      instances: spec.instances,
      qps: spec.qps,
      state,
      pending: { op: 'deploy' },
      stateReason: null,
      stateChangedAt: now,
      desiredStatus: desiredStatusOf(state),
      generation: '1',
      observedGeneration: '0',
      queuedAt: now,
      queuePosition: null,
      notificationTopic: spec.notification?.topic ?? null,
      notificationEvents: [...(spec.notification?.events ?? [])],
      autoStopMinutes: spec.autoStop?.durationMinutes ?? null,
      autoStopRemainingMs: spec.autoStop
        ? String(spec.autoStop.durationMinutes * this.config.AUTO_STOP_MINUTE_MS)
        : null,
      autoStopResumedAt: null,
      k8sNamespace: k8s.namespace,
      k8sName: k8s.name,
      readyInstances: 0,
      instanceStatuses: [],
      computeUsage: null,
      memoryUsage: null,
      observedAt: null,
      preset: false,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
  }
}
