import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { KubeConfig } from '@kubernetes/client-node';
import { DataSource } from 'typeorm';
import { pgConfigOf } from '@maas/events';
import { MetricsService } from '@maas/observability';
import { AutoStopJobs } from '../auto-stop/auto-stop.jobs.js';
import { ModelCatalog } from '../catalog/index.js';
import { DEPLOYMENTS_CONFIG, type DeploymentsConfig } from '../config.js';
import { KubeClient } from '../kubernetes/kube-client.js';
import { ServiceObservations } from '../model-services/service-observations.js';
import { PoolsRepository } from '../pools/pools.repository.js';
import { ClusterCache } from './cache/cluster-cache.js';
import { DbChangeListener } from './db-change-listener.js';
import { KubeLeaseStore } from './leader/kube-lease-store.js';
import { LeaderElector } from './leader/leader-elector.js';
import { LeaderTerm, type LeaderTermDeps } from './leader/leader-term.js';
import { ReconcilerMetrics } from './reconciler.metrics.js';

const LABEL_VALUE = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;

/**
 * The Kubernetes reconciler (SPEC §5), shaped like controller-runtime's manager. On EVERY
 * replica (with RECONCILER=true) it starts its sources at boot — the informer caches and
 * the LISTEN connection for database changes — so a standby is warm, and competes for the
 * Lease. Only the controllers wait for the Lease: acquiring it creates one LeaderTerm (the
 * service and admission controllers, their queues and passes, the poll and resync timers);
 * losing it disposes that term at once (no new pass starts, running passes finish, their
 * writes being conditional and idempotent). The sources keep running across terms; their
 * events go to the term of the moment (none on a standby: dropped).
 */
@Injectable()
export class Reconciler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Reconciler');
  readonly elector: LeaderElector;
  readonly installation: string;
  private readonly metrics: ReconcilerMetrics;
  private readonly cache: ClusterCache;
  private readonly listener: DbChangeListener;
  private listening: Promise<void> = Promise.resolve();
  private readonly termDeps: Omit<LeaderTermDeps, 'listening'>;
  private term?: LeaderTerm;

  constructor(
    @Inject(DEPLOYMENTS_CONFIG) private readonly config: DeploymentsConfig,
    @Inject(KubeConfig) kubeConfig: KubeConfig,
    kube: KubeClient,
    pools: PoolsRepository,
    observations: ServiceObservations,
    catalog: ModelCatalog,
    autoStopJobs: AutoStopJobs,
    dataSource: DataSource,
    metrics: MetricsService,
  ) {
    this.installation = config.RECONCILER_INSTALLATION ?? config.DB_SCHEMA;
    if (!LABEL_VALUE.test(this.installation))
      throw new Error(
        `RECONCILER_INSTALLATION is unset and DB_SCHEMA (${this.installation}) is not a Kubernetes label value: set RECONCILER_INSTALLATION`,
      );
    this.metrics = new ReconcilerMetrics(metrics);
    this.cache = new ClusterCache(
      kubeConfig,
      kube,
      this.installation,
      config.RECONCILER_NODE_SELECTOR,
      (event) => this.term?.onClusterEvent(event),
      this.logger,
    );
    this.listener = new DbChangeListener(pgConfigOf(dataSource), config.DB_SCHEMA);
    this.termDeps = {
      config,
      installation: this.installation,
      cache: this.cache,
      kube,
      observations,
      pools,
      catalog,
      autoStopJobs,
      metrics: this.metrics,
      logger: this.logger,
    };
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
    if (!this.config.RECONCILER) return;
    // Warm before leading: the informers list and watch, and the database is listened to,
    // on standbys too.
    this.listening = this.listener.start((change) => void this.term?.onDbChange(change));
    this.cache.start().then(
      () => {
        this.metrics.cacheSynced.set(1);
        this.logger.log({ msg: 'reconciler caches synced', installation: this.installation });
      },
      (error: unknown) => this.logger.error({ msg: 'reconciler caches failed', err: error }),
    );
    this.elector.start();
  }

  /** Stops reconciling and releases the Lease (a standby takes over at once). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.elector.stop();
    await Promise.all([this.cache.stop(), this.listener.stop()]);
  }

  get isLeader(): boolean {
    return this.elector.isLeader;
  }

  /** True while this replica's term runs its controllers (caches synced). */
  get isReconciling(): boolean {
    return this.term?.reconciling ?? false;
  }

  /** Keys waiting or in a pass right now. */
  get pendingWork(): number {
    return this.term?.pending ?? 0;
  }

  /** Runs a full resync now (as the periodic one does); resolves once it is queued. */
  async resync(): Promise<void> {
    await this.term?.resync();
  }

  private beginTerm(): Promise<void> {
    const term = new LeaderTerm({ ...this.termDeps, listening: this.listening });
    this.term = term;
    this.metrics.leader.set(1);
    term.start();
    return Promise.resolve();
  }

  private async endTerm(): Promise<void> {
    const term = this.term;
    this.term = undefined;
    this.metrics.leader.set(0);
    await term?.dispose();
  }
}
