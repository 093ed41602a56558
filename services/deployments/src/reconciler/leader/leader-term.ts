import { performance } from 'node:perf_hooks';
import { type Logger } from '@nestjs/common';
import { type AutoStopJobs } from '../../auto-stop/auto-stop.jobs.js';
import { AutoStopScheduler } from '../../auto-stop/auto-stop.scheduler.js';
import { type ModelCatalog } from '../../catalog/index.js';
import { type DeploymentsConfig } from '../../config.js';
import { type KubeClient } from '../../kubernetes/kube-client.js';
import { type ServiceObservations } from '../../model-services/service-observations.js';
import { type PoolEntity } from '../../pools/pool.entity.js';
import { type PoolsRepository } from '../../pools/pools.repository.js';
import { LABEL } from '../../workloads/labels.js';
import { type ClusterCache, type ClusterEvent } from '../cache/cluster-cache.js';
import { Controller } from '../controller.js';
import { type DbChange } from '../db-change-listener.js';
import { AdmissionPass } from '../passes/admission-pass.js';
import { OtherPods } from '../passes/other-pods.js';
import { ServicePass } from '../passes/service-pass.js';
import { WorkloadApplier } from '../passes/workload-applier.js';
import { type ReconcilerMetrics } from '../reconciler.metrics.js';
import { ServiceRowCache } from '../service-row-cache.js';

/** The service controller's key: one service. */
export interface ServiceKey {
  readonly serviceId: string;
}

/** The admission controller's key: one pool, or every pool with a queued service. */
export type PoolKey = { readonly poolId: string } | { readonly everyPool: true };

const EVERY_POOL: PoolKey = { everyPool: true };

/** What a term needs from the process (all of it outlives the term). */
export interface LeaderTermDeps {
  readonly config: DeploymentsConfig;
  readonly installation: string;
  /** Started at boot on every replica; the term only waits for its first lists. */
  readonly cache: ClusterCache;
  /**
   * Settles once the database change listener (also started at boot; its changes reach
   * `onDbChange`) made its first connection attempt: the first resync reads after it.
   */
  readonly listening: Promise<void>;
  readonly kube: KubeClient;
  readonly observations: ServiceObservations;
  readonly pools: PoolsRepository;
  readonly catalog: ModelCatalog;
  /** The auto-stop jobs in Redis; the term keeps its own timers over them. */
  readonly autoStopJobs: AutoStopJobs;
  readonly metrics: ReconcilerMetrics;
  readonly logger: Logger;
}

const KINDS = { deployment: 'Deployment', service: 'Service', statefulset: 'StatefulSet' } as const;

/**
 * Everything that lives for one leadership term, created when the Lease is acquired and
 * disposed when it is lost (nothing of it is reset by hand): the two controllers — services
 * (key: a service id) and pool admission (key: a pool, or every pool with a queue) — with
 * their passes, the caches of rows and pools read this term, what the applier wrote this
 * term, the auto-stop timers scheduled this term, the safety-net poll and the periodic resync. The informers and the LISTEN
 * connection are the Reconciler's: they run on every replica and outlive terms.
 *
 * `start` waits for the informer caches and the listener (both already warm on a standby
 * that was running), then starts the controllers and queues everything once. `dispose` ends the term at once: no new
 * pass starts, passes running finish (their writes are conditional or idempotent).
 */
export class LeaderTerm {
  private readonly acquiredAt = performance.now();
  private readonly abort = new AbortController();
  private readonly rows: ServiceRowCache;
  /** Pools read this term (a pool change, by NOTIFY, or a resync drops them). */
  private readonly poolCache = new Map<string, PoolEntity>();
  private readonly applier: WorkloadApplier;
  /** What this term scheduled: a new term re-checks Redis once per service. */
  private readonly autoStop: AutoStopScheduler;
  private readonly services: Controller<ServiceKey>;
  private readonly admission: Controller<PoolKey>;
  private readonly timers: NodeJS.Timeout[] = [];
  private started: Promise<void> = Promise.resolve();
  private firstPassDone = false;
  private reconcilingNow = false;

  constructor(private readonly deps: LeaderTermDeps) {
    const { config, cache, kube, observations, logger } = deps;
    this.rows = new ServiceRowCache((id) => observations.find(id));
    this.applier = new WorkloadApplier(kube);
    this.autoStop = new AutoStopScheduler(deps.autoStopJobs);
    // One list of other workloads' pods serves every pool's admission and group room check.
    const otherPods = new OtherPods(kube, deps.installation);
    const servicePass = new ServicePass(
      {
        rows: this.rows,
        poolOf: (poolId) => this.poolOf(poolId),
        observations,
        catalog: deps.catalog,
        cache,
        kube,
        otherPods,
        applier: this.applier,
        autoStop: this.autoStop,
        admit: (poolId) => this.admission.add({ poolId }),
        logger,
      },
      {
        installation: deps.installation,
        limits: {
          schedulingDeadlineMs: config.SCHEDULING_DEADLINE_SECONDS * 1000,
          startTimeoutMs: config.START_TIMEOUT_SECONDS * 1000,
          crashLoopFailures: config.CRASH_LOOP_FAILURES,
          restartWindowMs: config.RESTART_WINDOW_SECONDS * 1000,
        },
      },
    );
    const admissionPass = new AdmissionPass({
      observations,
      poolOf: (poolId) => this.poolOf(poolId),
      cache,
      otherPods,
      logger,
    });
    const common = {
      workers: config.RECONCILER_WORKERS,
      backoffMinMs: config.RECONCILER_BACKOFF_MIN_MS,
      backoffMaxMs: config.RECONCILER_BACKOFF_MAX_MS,
      metrics: deps.metrics,
      logger,
      onPass: () => this.passDone(),
    };
    this.services = new Controller<ServiceKey>({
      ...common,
      name: 'service',
      identify: (key) => key.serviceId,
      reconcile: (key) => servicePass.run(key.serviceId),
    });
    this.admission = new Controller<PoolKey>({
      ...common,
      name: 'pool',
      identify: (key) => ('poolId' in key ? key.poolId : '*'),
      reconcile: async (key) => {
        if ('poolId' in key)
          for (const serviceId of await admissionPass.run(key.poolId))
            this.services.add({ serviceId });
        else
          for (const poolId of await observations.poolsWithQueue()) this.admission.add({ poolId });
        return { kind: 'done' };
      },
    });
  }

  /** True once the controllers run (caches synced), until disposed. */
  get reconciling(): boolean {
    return this.reconcilingNow;
  }

  /** Keys waiting or in a pass, over both controllers. */
  get pending(): number {
    return this.services.pending + this.admission.pending;
  }

  /** Begins the term; returns at once (the controllers start once the caches are synced). */
  start(): void {
    this.started = this.run().catch((error: unknown) =>
      this.deps.logger.error({ msg: 'reconciler term failed to start', err: error }),
    );
  }

  /**
   * Ends the term: stops the controllers (passes in flight finish), the timers and the
   * auto-stop timers (a pass still finishing schedules no job).
   */
  async dispose(): Promise<void> {
    this.abort.abort();
    this.autoStop.dispose();
    await this.started;
    this.reconcilingNow = false;
    for (const timer of this.timers) clearInterval(timer);
    await Promise.all([this.services.stop(), this.admission.stop()]);
  }

  private async run(): Promise<void> {
    const { cache, config, logger } = this.deps;
    const ready = Promise.all([cache.whenSynced(), this.deps.listening]);
    if (!(await untilAborted(ready, this.abort.signal))) return;
    this.services.start();
    this.admission.start();
    this.timers.push(setInterval(() => void this.enqueueUnsettled(), config.RECONCILER_POLL_MS));
    this.timers.push(setInterval(() => void this.resync(), config.RECONCILER_RESYNC_MS));
    this.reconcilingNow = true;
    logger.log({ msg: 'reconciling', installation: this.deps.installation });
    await this.resync();
  }

  private passDone(): void {
    if (this.firstPassDone) return;
    this.firstPassDone = true;
    this.deps.metrics.takeover.set((performance.now() - this.acquiredAt) / 1000);
  }

  private async poolOf(poolId: string): Promise<PoolEntity | null> {
    const cached = this.poolCache.get(poolId);
    if (cached) return cached;
    const pool = await this.deps.pools.findById(poolId);
    if (pool) this.poolCache.set(poolId, pool);
    return pool;
  }

  /** A change in the cluster (from the Reconciler's informers): who must look again. */
  onClusterEvent(event: ClusterEvent): void {
    if (event.kind === 'node') {
      this.admission.add(EVERY_POOL);
      // Its services look again: a node (re)assigned to another account must not keep
      // their pods (ServicePass evicts them).
      const onNode = this.deps.cache.pods.list().filter((p) => p.spec?.nodeName === event.name);
      for (const serviceId of onNode.map((p) => p.metadata?.labels?.[LABEL.serviceId]))
        if (serviceId) this.services.add({ serviceId });
      return;
    }
    if (event.kind !== 'pod')
      this.applier.observed(KINDS[event.kind], event.object, event.type === 'delete');
    this.services.add({ serviceId: event.serviceId });
    if (event.freedCapacity) this.admission.add(EVERY_POOL);
  }

  /** A change in the database (from the Reconciler's listener): who must look again. */
  async onDbChange(change: DbChange): Promise<void> {
    switch (change.kind) {
      case 'service':
        this.rows.invalidate(change.serviceId);
        this.services.add({ serviceId: change.serviceId });
        return;
      case 'unknown': // reconnected: changes may have been missed meanwhile
        await this.resync();
        return;
      case 'pool':
        this.poolCache.delete(change.poolId);
        try {
          const ids = await this.deps.observations.idsOnPool(change.poolId);
          for (const serviceId of ids) this.services.add({ serviceId });
          this.admission.add({ poolId: change.poolId });
        } catch (error) {
          this.deps.logger.warn({ msg: 'cannot read the services of a changed pool', err: error });
        }
        return;
    }
  }

  private async enqueueUnsettled(): Promise<void> {
    try {
      const unsettled = await this.deps.observations.unsettled();
      this.rows.dropOutdated(unsettled);
      for (const { id } of unsettled) this.services.add({ serviceId: id });
    } catch (error) {
      this.deps.logger.warn({ msg: 'cannot poll unsettled services', err: error });
    }
  }

  /**
   * Full resync: reloads every row (one query) and queues every service and every service
   * id found in the caches (orphans). No API request: the informers' caches are the truth.
   */
  async resync(): Promise<void> {
    if (!this.services.running) return;
    this.poolCache.clear();
    this.rows.clear();
    const generation = this.rows.currentGeneration;
    try {
      const rows = await this.deps.observations.all();
      this.rows.fill(rows, generation);
      const ids = new Set([...rows.map((r) => r.id), ...this.deps.cache.serviceIds()]);
      for (const serviceId of ids) this.services.add({ serviceId });
      this.admission.add(EVERY_POOL);
    } catch (error) {
      this.deps.logger.warn({ msg: 'resync failed', err: error });
    }
  }
}

/** Resolves true when `promise` settles first, false when `signal` aborts first. */
async function untilAborted(promise: Promise<unknown>, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<false>((resolve) => {
    onAbort = () => resolve(false);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([promise.then(() => true as const), aborted]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}
