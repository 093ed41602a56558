import { type V1Deployment } from '@kubernetes/client-node';
import { type Logger } from '@nestjs/common';
import { DomainError } from '@maas/errors';
import { type AutoStopScheduler } from '../../auto-stop/auto-stop.scheduler.js';
import { type ModelCatalog } from '../../catalog/index.js';
import { type KubeClient } from '../../kubernetes/kube-client.js';
import { KubeApiError } from '../../kubernetes/kube-errors.js';
import { type Observation, transition } from '../../lifecycle/index.js';
import { lifecycleOf } from '../../model-services/service-row.js';
import { type ModelServiceEntity } from '../../model-services/model-service.entity.js';
import { type ServiceObservations } from '../../model-services/service-observations.js';
import { type PoolEntity } from '../../pools/pool.entity.js';
import { type ClusterCache } from '../cache/cluster-cache.js';
import { type ServiceRowCache } from '../service-row-cache.js';
import {
  desiredService,
  hashOf,
  headlessFor,
  revisionOf,
  withHash,
} from '../desired/desired-objects.js';
import { desiredEdgeService } from '../../edge/edge-service.js';
import { FINALIZER, LABEL } from '../../workloads/labels.js';
import { canonicalJson } from '../desired/spec-hash.js';
import { type ObserveLimits, observeService } from '../observe/observe-service.js';
import { podView } from '../observe/pod-view.js';
import { TerminalError } from '../terminal-error.js';
import { type PassOutcome } from '../work-queue.js';
import { type GroupRunOutcome, GroupWorkload, ROOM_RECHECK_MS } from './group-workload.js';
import { type OtherPodsSource } from './other-pods.js';
import { type RenderedWorkload, renderWorkload } from './render-workload.js';
import { type WorkloadApplier } from './workload-applier.js';

export interface ServicePassSettings {
  readonly installation: string;
  readonly limits: ObserveLimits;
}

export interface ServicePassDeps {
  /** The service rows (cached; see ServiceRowCache). */
  readonly rows: ServiceRowCache;
  /** The pool (cached for the leadership term; a pool change drops it). */
  readonly poolOf: (poolId: string) => Promise<PoolEntity | null>;
  readonly observations: ServiceObservations;
  readonly catalog: ModelCatalog;
  readonly cache: ClusterCache;
  readonly kube: KubeClient;
  /** Other workloads' pods, shared with admission (instance groups' room). */
  readonly otherPods: OtherPodsSource;
  readonly applier: WorkloadApplier;
  readonly autoStop: AutoStopScheduler;
  /** Asks for an admission pass of the pool. */
  readonly admit: (poolId: string) => void;
  readonly logger: Logger;
}

/** While objects are going away, look again this often (events usually come first). */
const CLEANUP_RECHECK_MS = 2_000;

const done = (requeueAfterMs?: number | null): PassOutcome =>
  requeueAfterMs === null || requeueAfterMs === undefined
    ? { kind: 'done' }
    : { kind: 'done', requeueAfterMs };

/**
 * One level-triggered pass over one service (the service controller's key): it re-reads the row
 * and the caches, ignores what woke it, and converges the cluster to `desired_status`:
 *
 * - `running`: nothing while queuing (admission's business); otherwise apply the namespace,
 *   the Deployment (finalizer, hash) and the Service, then observe → `all_ready`,
 *   `some_unhealthy`, `failed`;
 * - `stopped`: scale to zero, wait for the pods to be gone → `pods_gone`;
 * - `deleted`: delete (foreground), wait for the pods, release the finalizer, wait for
 *   every object to be gone → `deleted` (the row goes);
 * - no row: the objects are orphans; the same cleanup, without a row to report to.
 *
 * Observed fields (ready count, per-instance status, observed generation) are recorded,
 * written only when they differ. The auto-stop job follows the row's budget.
 */
export class ServicePass {
  /** Services of a multi-server flavor: instance groups (StatefulSets), not a Deployment. */
  private readonly groups: GroupWorkload;

  constructor(
    private readonly deps: ServicePassDeps,
    private readonly settings: ServicePassSettings,
  ) {
    this.groups = new GroupWorkload({
      cache: deps.cache,
      kube: deps.kube,
      otherPods: deps.otherPods,
      observations: deps.observations,
      applier: deps.applier,
      catalog: deps.catalog,
      installation: settings.installation,
      limits: settings.limits,
      logger: deps.logger,
    });
  }

  async run(serviceId: string): Promise<PassOutcome> {
    const row = await this.deps.rows.get(serviceId);
    if (!row) {
      await this.deps.autoStop.forget(serviceId);
      const gone = await this.removeObjects(serviceId, 'orphan');
      return done(gone ? null : CLEANUP_RECHECK_MS);
    }
    await this.deps.autoStop.sync(row);
    switch (row.desiredStatus) {
      case 'running':
        return this.runService(row);
      case 'stopped':
        return this.stopService(row);
      case 'deleted':
        return this.deleteService(row);
    }
  }

  private async runService(row: ModelServiceEntity): Promise<PassOutcome> {
    if (row.state === 'queuing') {
      this.deps.admit(row.poolId);
      return done();
    }
    const pool = await this.deps.poolOf(row.poolId);
    if (!pool) throw new TerminalError(`pool ${row.poolId} of service ${row.id} not found`);
    if (row.nodesPerInstance > 1) return this.runGroups(row, pool);
    const rendered = renderWorkload(row, pool, this.deps.catalog, {
      installation: this.settings.installation,
      replicas: row.instances,
    });
    if (!rendered.ok) {
      await this.observe(row, { type: 'failed', reason: rendered.reason });
      return done();
    }
    const current = this.deps.cache.deploymentOf(row.id);
    if (current?.metadata?.deletionTimestamp) {
      // Deleted by someone else: finish that deletion first, then recreate it.
      await this.finalize(current, row.id);
      return done(CLEANUP_RECHECK_MS);
    }
    let deployment: V1Deployment | null;
    try {
      deployment = await this.applyObjects(row, pool, rendered, current);
    } catch (error) {
      return this.applyFailed(row, error);
    }
    // Just created: nothing to observe yet; the Deployment's informer event brings the next pass.
    if (!deployment) return done();
    await this.evictMisplaced(row);
    // Nothing applied: the cache's state now is the newest this pass can know.
    const newest =
      deployment === current ? (this.deps.cache.deploymentOf(row.id) ?? deployment) : deployment;
    return this.observeRunning(row, rendered.deployment, newest);
  }

  /**
   * Deletes the service's pods that run on a node the operator assigned to another account
   * (scheduled before the account constraint existed, or the node was reassigned since):
   * the required node affinity is only checked at scheduling (IgnoredDuringExecution), so
   * such a pod would otherwise keep running on another tenant's node. The Deployment
   * replaces it on the account's own nodes (or it waits, unschedulable, if there is no
   * room). Pods on nodes assigned to no account are left running (see docs/operators.md).
   */
  private async evictMisplaced(row: ModelServiceEntity): Promise<void> {
    const { cache, kube, logger } = this.deps;
    for (const pod of cache.podsOf(row.id)) {
      const nodeName = pod.spec?.nodeName;
      if (!nodeName || pod.metadata?.deletionTimestamp) continue;
      const owner = cache.nodes.get(nodeName)?.metadata?.labels?.[LABEL.account];
      if (owner === undefined || owner === row.accountId) continue;
      logger.warn({
        msg: "evicting a pod from another account's node",
        service: row.id,
        pod: pod.metadata?.name,
        node: nodeName,
      });
      await kube.delete(refOf('v1', 'Pod', pod));
    }
  }

  /**
   * Observes a service that should run and reports it (record + observation). `deployment`
   * is the newest state this pass knows: what its apply returned, or else the cache's. Its
   * minReadySeconds is the live one (what the Deployment controller counts availability
   * with, whoever set it: an operator's admission policy may).
   */
  private async observeRunning(
    row: ModelServiceEntity,
    desired: V1Deployment,
    deployment: V1Deployment,
  ): Promise<PassOutcome> {
    const result = observeService({
      state: row.state,
      instances: row.instances,
      pending: row.pending,
      stateChangedAt: row.stateChangedAt,
      deployment,
      desiredHash: hashOf(desired) ?? '',
      desiredRevision: revisionOf(desired.spec?.template) ?? '',
      minReadySeconds: deployment.spec?.minReadySeconds ?? desired.spec?.minReadySeconds ?? 0,
      pods: this.deps.cache.podsOf(row.id).map(podView),
      now: new Date(),
      limits: this.settings.limits,
    });
    await this.record(row, result.readyInstances, result.instanceStatuses);
    if (result.observation) await this.observe(row, result.observation);
    return done(result.recheckInMs);
  }

  /**
   * The API refused our objects for good (invalid, forbidden): say so on the service — a
   * deploy, start, scale or upgrade fails, a running service goes to alarm. Terminal: not
   * requeued; the periodic resync (RECONCILER_RESYNC_MS) tries again, in case an operator
   * fixed a quota or RBAC. Retryable errors just propagate.
   */
  private async applyFailed(row: ModelServiceEntity, error: unknown): Promise<PassOutcome> {
    if (!(error instanceof KubeApiError) || error.retryable) throw error;
    await this.observe(row, {
      type: 'failed',
      reason: `Kubernetes refused the service's objects: ${error.message}`,
    });
    return { kind: 'terminal', error };
  }

  /**
   * The namespace, the Deployment, then the Service owned by it; returns the Deployment.
   * A Deployment this pass created returns null: its Service (which needs the Deployment's
   * uid) is applied by the next pass, queued behind the other services' first passes, so
   * that in a burst every new Deployment goes out first (the pods take longer to start than
   * the Services to apply).
   */
  private async applyObjects(
    row: ModelServiceEntity,
    pool: PoolEntity,
    rendered: Extract<RenderedWorkload, { ok: true }>,
    current: V1Deployment | undefined,
  ): Promise<V1Deployment | null> {
    const { applier, cache } = this.deps;
    await applier.ensureNamespace(row.k8sNamespace, row.projectId);
    const deployment = await applier.deployment(rendered.deployment, current);
    if (!current) return null;
    const owner = {
      name: deployment.metadata?.name ?? row.k8sName,
      uid: deployment.metadata?.uid ?? '',
    };
    // By name: a service on an edge pool owns a second Service (src/edge/edge-service.ts).
    const named = (name?: string) =>
      cache.servicesOf(row.id).find((s) => s.metadata?.name === name);
    const existing = named(rendered.shape.objectName);
    const main = desiredService(
      {
        service: rendered.shape,
        installation: this.settings.installation,
        port: row.port,
        headless: headlessFor(existing),
      },
      owner,
    );
    await applier.service(main, existing);
    if (pool.edge) {
      const edge = withHash(desiredEdgeService(main, pool.edge));
      await applier.service(edge, named(edge.metadata?.name));
    }
    return deployment;
  }

  /** A service of instance groups: converge, observe, report (see GroupWorkload). */
  private async runGroups(row: ModelServiceEntity, pool: PoolEntity): Promise<PassOutcome> {
    let outcome: GroupRunOutcome;
    try {
      outcome = await this.groups.run(row, pool);
    } catch (error) {
      return this.applyFailed(row, error);
    }
    if (outcome.kind === 'failed') {
      await this.observe(row, { type: 'failed', reason: outcome.reason });
      return done();
    }
    await this.evictMisplaced(row);
    const { result, waitingForRoom, inPlace } = outcome;
    await this.record(row, result.readyInstances, result.instanceStatuses);
    // An upgrade without a stand-in says so (status reason + an UpgradeInPlace event); a
    // verdict of the same pass is then stale and dropped, the next pass reports it.
    if (inPlace) await this.observe(row, { type: 'upgrade_in_place', reason: inPlace });
    if (result.observation) await this.observe(row, result.observation);
    await outcome.afterReport();
    const recheck = waitingForRoom.length > 0 ? ROOM_RECHECK_MS : null;
    return done(
      result.recheckInMs === null ? recheck : Math.min(result.recheckInMs, recheck ?? Infinity),
    );
  }

  private async stopService(row: ModelServiceEntity): Promise<PassOutcome> {
    await this.groups.stop(row.id);
    const deployment = this.deps.cache.deploymentOf(row.id);
    if (deployment && !deployment.metadata?.deletionTimestamp && deployment.spec?.replicas !== 0) {
      await this.deps.kube.scaleDeployment(row.k8sNamespace, row.k8sName, 0);
      this.deps.applier.forget('Deployment', deployment);
    }
    const pods = this.deps.cache.podsOf(row.id).map(podView);
    const live = pods.filter((p) => !p.terminated);
    await this.record(
      row,
      live.filter((p) => p.ready && !p.deleting).length,
      live.map((p) => ({
        name: p.name,
        node: p.node,
        phase: p.deleting ? 'Terminating' : p.phase,
        ready: p.ready && !p.deleting,
        restarts: p.restarts,
      })),
    );
    if (live.length > 0) return done();
    if (pods.length > 0)
      // Failed pods stay after a scale-down; they hold nothing but would be read as crashes.
      await this.deps.kube.deletePods(row.k8sNamespace, {
        labelSelector: `${LABEL.serviceId}=${row.id},${LABEL.installation}=${this.settings.installation}`,
        fieldSelector: 'status.phase!=Pending,status.phase!=Running',
      });
    if (row.state === 'stopping' || row.state === 'stopped')
      await this.observe(row, { type: 'pods_gone' });
    return done();
  }

  private async deleteService(row: ModelServiceEntity): Promise<PassOutcome> {
    const gone = await this.removeObjects(row.id, 'service');
    if (!gone) return done(CLEANUP_RECHECK_MS);
    await this.observe(row, { type: 'deleted' });
    await this.deps.autoStop.forget(row.id);
    return done();
  }

  /**
   * Deletes the Service and the Deployment (foreground: the garbage collector removes the
   * ReplicaSets and pods first), releases our finalizer once no pod is left, and reports
   * whether every object and pod of the service is gone from the cache.
   */
  private async removeObjects(serviceId: string, why: 'service' | 'orphan'): Promise<boolean> {
    const { cache, kube } = this.deps;
    const deployments = cache.deploymentsOf(serviceId);
    const services = cache.servicesOf(serviceId);
    const pods = cache.podsOf(serviceId);
    const groups = cache.statefulSetsOf(serviceId).length;
    if (deployments.length + groups + services.length + pods.length === 0) return true;
    if (why === 'orphan' && deployments.some((d) => !d.metadata?.deletionTimestamp))
      this.deps.logger.log({
        msg: 'removing the objects of a service that no longer exists',
        serviceId,
      });
    for (const service of services)
      if (!service.metadata?.deletionTimestamp) await kube.delete(refOf('v1', 'Service', service));
    for (const deployment of deployments) await this.finalize(deployment, serviceId);
    await this.groups.stop(serviceId);
    return false;
  }

  /** Foreground-deletes the Deployment and releases our finalizer once its pods are gone. */
  private async finalize(deployment: V1Deployment, serviceId: string): Promise<void> {
    const finalizers = deployment.metadata?.finalizers ?? [];
    if (!deployment.metadata?.deletionTimestamp || !finalizers.includes('foregroundDeletion'))
      await this.deps.kube.delete(refOf('apps/v1', 'Deployment', deployment), 'Foreground');
    const livePods = this.deps.cache.podsOf(serviceId).filter((p) => {
      const phase = p.status?.phase;
      return phase !== 'Succeeded' && phase !== 'Failed';
    });
    if (livePods.length > 0 || !finalizers.includes(FINALIZER)) return;
    await this.deps.kube.removeDeploymentFinalizer(
      deployment.metadata?.namespace ?? '',
      deployment.metadata?.name ?? '',
      finalizers,
      FINALIZER,
    );
  }

  /** Applies an observation computed from `row`; a stale one (row changed) is dropped. */
  private async observe(row: ModelServiceEntity, observation: Observation): Promise<void> {
    // The state machine is pure: a level-triggered repeat (running and all ready) is known to
    // change nothing without a database round trip.
    const outcome = transition(lifecycleOf(row), observation);
    if (!(outcome instanceof DomainError) && !outcome.changed) return;
    try {
      await this.deps.observations.apply(row.id, observation, row.version);
      this.deps.rows.invalidate(row.id); // its NOTIFY will say so too
    } catch (error) {
      if (!(error instanceof DomainError) || error.kind !== 'conflict') throw error;
      // The row changed since this pass read it: its NOTIFY brings a fresh pass.
      this.deps.logger.debug({
        msg: 'stale observation dropped',
        id: row.id,
        observation: observation.type,
      });
    }
  }

  private async record(
    row: ModelServiceEntity,
    readyInstances: number,
    instanceStatuses: ModelServiceEntity['instanceStatuses'],
  ): Promise<void> {
    const unchanged =
      Number(row.observedGeneration) === Number(row.generation) &&
      row.readyInstances === readyInstances &&
      row.computeUsage === null &&
      row.memoryUsage === null &&
      canonicalJson(row.instanceStatuses) === canonicalJson(instanceStatuses);
    if (unchanged) return; // skip status writes that change nothing
    const observed = {
      observedGeneration: Number(row.generation),
      readyInstances,
      instanceStatuses,
      // No NPU metrics source is wired in: usage stays null (see the README).
      computeUsage: null,
      memoryUsage: null,
    };
    await this.deps.observations.record(row.id, observed);
    this.deps.rows.recorded(row.id, observed);
  }
}

function refOf(
  apiVersion: string,
  kind: string,
  object: { metadata?: { name?: string; namespace?: string } },
) {
  return {
    apiVersion,
    kind,
    metadata: { name: object.metadata?.name ?? '', namespace: object.metadata?.namespace },
  };
}
