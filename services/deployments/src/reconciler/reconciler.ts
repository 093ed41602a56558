import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  Optional,
} from '@nestjs/common';
import { KubeConfig } from '@kubernetes/client-node';
import { DataSource } from 'typeorm';
import { DomainError } from '@maas/errors';
import { pgConfigOf } from '@maas/events';
import { MetricsService } from '@maas/observability';
import { AutoStopScheduler } from '../auto-stop/auto-stop.scheduler.js';
import { ModelCatalog } from '../catalog/index.js';
import { DEPLOYMENTS_CONFIG, type DeploymentsConfig } from '../config.js';
import { KubeClient } from '../kubernetes/kube-client.js';
import { KubeApiError } from '../kubernetes/kube-errors.js';
import { reconcileChannel } from '../migrations/1765000000000-reconciler-notify.js';
import { ModelServicesRepository } from '../model-services/model-services.repository.js';
import { ServiceObservations } from '../model-services/service-observations.js';
import { type PoolEntity } from '../pools/pool.entity.js';
import { PoolsRepository } from '../pools/pools.repository.js';
import { ClusterCache, type ClusterEvent } from './cache/cluster-cache.js';
import { DbChangeListener } from './db-change-listener.js';
import { type WorkloadHook } from './desired/desired-objects.js';
import { KubeLeaseStore } from './leader/kube-lease-store.js';
import { LABEL } from '../workloads/labels.js';
import { LeaderElector } from './leader/leader-elector.js';
import { AdmissionPass } from './passes/admission-pass.js';
import { ServicePass } from './passes/service-pass.js';
import { WorkloadApplier } from './passes/workload-applier.js';
import { ReconcilerMetrics } from './reconciler.metrics.js';
import { ServiceRowCache } from './service-row-cache.js';
import { type PassOutcome, WorkQueue } from './work-queue.js';

/** Injection token of an optional WorkloadHook (tests make instances crash with it). */
export const WORKLOAD_HOOK = Symbol('WORKLOAD_HOOK');

/** Queue keys: one service, one pool's admission, or "every pool with a queue". */
export const serviceKey = (id: string) => `service/${id}`;
export const poolKey = (id: string) => `pool/${id}`;
export const ALL_POOLS_KEY = 'pools';

const LABEL_VALUE = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;

/**
 * The Kubernetes reconciler (SPEC §5, issue 5). Every replica competes for the Lease; the
 * leader runs one term: start the informers (and wait for their first lists), LISTEN for
 * database changes, poll for unsettled services as a safety net, resync everything
 * periodically from the caches, and feed all of it into ONE keyed, de-duplicating work
 * queue processed by RECONCILER_WORKERS workers. Losing the Lease ends the term at once: no
 * new pass starts, running passes finish (their writes are conditional and idempotent),
 * the watches close.
 */
@Injectable()
export class Reconciler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Reconciler');
  readonly elector: LeaderElector;
  readonly installation: string;
  private readonly queue: WorkQueue;
  private readonly applier: WorkloadApplier;
  private readonly metrics: ReconcilerMetrics;
  private term?: { abort: AbortController; done: Promise<void> };
  private cache?: ClusterCache;
  private servicePass?: ServicePass;
  private admission?: AdmissionPass;
  private reconciling = false;
  /** Pools read this term (a pool change, by NOTIFY, or a resync drops them). */
  private readonly poolCache = new Map<string, PoolEntity>();
  private readonly rows: ServiceRowCache;

  constructor(
    @Inject(DEPLOYMENTS_CONFIG) private readonly config: DeploymentsConfig,
    @Inject(KubeConfig) private readonly kubeConfig: KubeConfig,
    private readonly kube: KubeClient,
    private readonly services: ModelServicesRepository,
    private readonly pools: PoolsRepository,
    private readonly observations: ServiceObservations,
    private readonly catalog: ModelCatalog,
    private readonly autoStop: AutoStopScheduler,
    private readonly dataSource: DataSource,
    metrics: MetricsService,
    @Optional() @Inject(WORKLOAD_HOOK) private readonly hook?: WorkloadHook | null,
  ) {
    this.installation = config.RECONCILER_INSTALLATION ?? config.DB_SCHEMA;
    if (!LABEL_VALUE.test(this.installation))
      throw new Error(
        `RECONCILER_INSTALLATION is unset and DB_SCHEMA (${this.installation}) is not a Kubernetes label value: set RECONCILER_INSTALLATION`,
      );
    this.metrics = new ReconcilerMetrics(metrics);
    this.applier = new WorkloadApplier(kube);
    this.rows = new ServiceRowCache((id) => services.findById(id));
    this.queue = new WorkQueue({
      workers: config.RECONCILER_WORKERS,
      backoffMinMs: config.RECONCILER_BACKOFF_MIN_MS,
      backoffMaxMs: config.RECONCILER_BACKOFF_MAX_MS,
      onDepth: (depth) => this.metrics.queueDepth.set(depth),
    });
    this.elector = new LeaderElector(
      new KubeLeaseStore(kube, config.RECONCILER_LEASE_NAMESPACE, config.RECONCILER_LEASE_NAME),
      {
        identity: config.RECONCILER_IDENTITY || `${hostname()}_${randomUUID().slice(0, 8)}`,
        leaseDurationMs: config.RECONCILER_LEASE_DURATION_MS,
        renewDeadlineMs: Math.min(
          config.RECONCILER_RENEW_DEADLINE_MS,
          config.RECONCILER_LEASE_DURATION_MS - 1,
        ),
        retryPeriodMs: config.RECONCILER_RETRY_PERIOD_MS,
      },
      {
        onStartedLeading: () => this.beginTerm(),
        onStoppedLeading: () => this.endTerm(),
      },
      this.logger,
    );
  }

  onApplicationBootstrap(): void {
    if (this.config.RECONCILER) this.elector.start();
  }

  /** Stops reconciling and releases the Lease (a standby takes over at once). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.elector.stop();
  }

  get isLeader(): boolean {
    return this.elector.isLeader;
  }

  /** True while this replica's term runs with synced caches. */
  get isReconciling(): boolean {
    return this.reconciling;
  }

  /** Keys waiting or in a pass right now. */
  get pendingWork(): number {
    return this.queue.pending;
  }

  /** Runs a full resync now (as the periodic one does); resolves once it is queued. */
  resync(): Promise<void> {
    return this.enqueueAll();
  }

  private beginTerm(): Promise<void> {
    const abort = new AbortController();
    this.term = { abort, done: this.runTerm(abort.signal) };
    return Promise.resolve();
  }

  private async endTerm(): Promise<void> {
    const term = this.term;
    this.term = undefined;
    term?.abort.abort();
    await term?.done;
  }

  private async runTerm(signal: AbortSignal): Promise<void> {
    this.metrics.leader.set(1);
    this.applier.reset();
    this.autoStop.reset();
    this.poolCache.clear();
    this.rows.clear();
    const cache = new ClusterCache(
      this.kubeConfig,
      this.kube,
      this.installation,
      this.config.RECONCILER_NODE_SELECTOR,
      (event) => this.onClusterEvent(event),
      this.logger,
    );
    const listener = new DbChangeListener(
      pgConfigOf(this.dataSource),
      reconcileChannel(this.config.DB_SCHEMA),
      (payload) => void this.onDbChange(payload),
      () => void this.enqueueAll(), // changes may have been missed while disconnected
      this.logger,
    );
    const timers: NodeJS.Timeout[] = [];
    try {
      this.cache = cache;
      this.wirePasses(cache);
      if (!(await untilAborted(cache.start(), signal))) return;
      this.queue.start((key) => this.process(key));
      await listener.start();
      timers.push(setInterval(() => void this.enqueueUnsettled(), this.config.RECONCILER_POLL_MS));
      timers.push(setInterval(() => void this.enqueueAll(), this.config.RECONCILER_RESYNC_MS));
      this.reconciling = true;
      this.logger.log({ msg: 'reconciling', installation: this.installation });
      await this.enqueueAll();
      await untilAborted(new Promise<never>(() => undefined), signal);
    } catch (error) {
      this.logger.error({ msg: 'reconciler term failed', err: error });
    } finally {
      this.reconciling = false;
      for (const timer of timers) clearInterval(timer);
      await listener.stop();
      await this.queue.stop();
      await cache.stop();
      this.cache = undefined;
      this.metrics.leader.set(0);
    }
  }

  private wirePasses(cache: ClusterCache): void {
    this.servicePass = new ServicePass(
      {
        rows: this.rows,
        poolOf: (poolId) => this.poolOf(poolId),
        observations: this.observations,
        catalog: this.catalog,
        cache,
        kube: this.kube,
        applier: this.applier,
        autoStop: this.autoStop,
        admit: (poolId) => this.queue.add(poolKey(poolId)),
        logger: this.logger,
      },
      {
        installation: this.installation,
        hook: this.hook ?? undefined,
        limits: {
          schedulingDeadlineMs: this.config.SCHEDULING_DEADLINE_SECONDS * 1000,
          startTimeoutMs: this.config.START_TIMEOUT_SECONDS * 1000,
          crashLoopFailures: this.config.CRASH_LOOP_FAILURES,
          restartWindowMs: this.config.RESTART_WINDOW_SECONDS * 1000,
        },
      },
    );
    this.admission = new AdmissionPass(
      this.services,
      this.pools,
      this.observations,
      cache,
      this.kube,
      this.installation,
      this.logger,
    );
  }

  private async poolOf(poolId: string): Promise<PoolEntity | null> {
    const cached = this.poolCache.get(poolId);
    if (cached) return cached;
    const pool = await this.pools.findById(poolId);
    if (pool) this.poolCache.set(poolId, pool);
    return pool;
  }

  /** One pass of one key; never throws (the outcome tells the queue what to do next). */
  private async process(key: string): Promise<PassOutcome> {
    const [kind, id] = splitKey(key);
    const end = this.metrics.passDuration.startTimer({ kind });
    let outcome: PassOutcome;
    try {
      outcome = await this.dispatch(kind, id);
    } catch (error) {
      outcome = classify(error);
    }
    end({ outcome: outcome.kind });
    if (outcome.kind !== 'done') {
      this.metrics.errors.inc({ kind, class: outcome.kind });
      const log = {
        msg: `reconcile ${key} failed (${outcome.kind === 'retry' ? 'retrying with back-off' : 'terminal; retrying slowly'})`,
        err: outcome.error,
        failures: this.queue.failuresOf(key) + 1,
      };
      if (outcome.kind === 'terminal') this.logger.error(log);
      else this.logger.warn(log);
    }
    return outcome;
  }

  private async dispatch(kind: string, id: string): Promise<PassOutcome> {
    switch (kind) {
      case 'service':
        return (this.servicePass as ServicePass).run(id);
      case 'pool': {
        const admitted = await (this.admission as AdmissionPass).run(id);
        for (const serviceId of admitted) this.queue.add(serviceKey(serviceId));
        return { kind: 'done' };
      }
      case ALL_POOLS_KEY:
        for (const poolId of await this.services.poolsWithQueue()) this.queue.add(poolKey(poolId));
        return { kind: 'done' };
      default:
        return { kind: 'terminal', error: new Error(`unknown key ${kind}/${id}`) };
    }
  }

  private onClusterEvent(event: ClusterEvent): void {
    if (event.kind === 'node') {
      this.queue.add(ALL_POOLS_KEY);
      // Its services look again: a node (re)assigned to another account must not keep
      // their pods (ServicePass evicts them).
      const onNode = (this.cache?.pods.list() ?? []).filter((p) => p.spec?.nodeName === event.name);
      for (const serviceId of onNode.map((p) => p.metadata?.labels?.[LABEL.serviceId]))
        if (serviceId) this.queue.add(serviceKey(serviceId));
      return;
    }
    this.queue.add(serviceKey(event.serviceId));
    if (event.freedCapacity) this.queue.add(ALL_POOLS_KEY);
  }

  private async onDbChange(payload: string): Promise<void> {
    if (!payload.startsWith('pool:')) {
      this.rows.invalidate(payload);
      this.queue.add(serviceKey(payload));
      return;
    }
    const poolId = payload.slice('pool:'.length);
    this.poolCache.delete(poolId);
    try {
      for (const id of await this.services.allIds(poolId)) this.queue.add(serviceKey(id));
      this.queue.add(poolKey(poolId));
    } catch (error) {
      this.logger.warn({ msg: 'cannot read the services of a changed pool', err: error });
    }
  }

  private async enqueueUnsettled(): Promise<void> {
    if (!this.queue.running) return;
    try {
      const unsettled = await this.services.unsettled();
      this.rows.dropOutdated(unsettled);
      for (const { id } of unsettled) this.queue.add(serviceKey(id));
    } catch (error) {
      this.logger.warn({ msg: 'cannot poll unsettled services', err: error });
    }
  }

  /**
   * Full resync: reloads every row (one query) and queues every service and every service
   * id found in the caches (orphans). No API request: the informers' caches are the truth.
   */
  private async enqueueAll(): Promise<void> {
    if (!this.queue.running) return;
    this.poolCache.clear();
    this.rows.clear();
    const generation = this.rows.currentGeneration;
    try {
      const rows = await this.services.all();
      this.rows.fill(rows, generation);
      const ids = new Set([...rows.map((r) => r.id), ...(this.cache?.serviceIds() ?? [])]);
      for (const id of ids) this.queue.add(serviceKey(id));
      this.queue.add(ALL_POOLS_KEY);
    } catch (error) {
      this.logger.warn({ msg: 'resync failed', err: error });
    }
  }
}

function splitKey(key: string): [string, string] {
  const slash = key.indexOf('/');
  return slash < 0 ? [key, ''] : [key.slice(0, slash), key.slice(slash + 1)];
}

/** Retryable: API hiccups, conflicts, lost races, database errors. Terminal: refusals. */
function classify(error: unknown): PassOutcome {
  if (error instanceof KubeApiError)
    return error.retryable ? { kind: 'retry', error } : { kind: 'terminal', error };
  if (error instanceof DomainError && error.kind !== 'conflict' && error.kind !== 'unavailable')
    return { kind: 'terminal', error };
  return { kind: 'retry', error };
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
