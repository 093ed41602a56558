import { Counter, Gauge, Histogram } from 'prom-client';
import { type MetricsService } from '@maas/observability';

/** Prometheus metrics of the reconciler. */
export class ReconcilerMetrics {
  readonly passDuration: Histogram<'kind' | 'outcome'>;
  readonly queueDepth: Gauge<'kind'>;
  readonly queueWait: Histogram<'kind'>;
  readonly leader: Gauge;
  readonly cacheSynced: Gauge;
  readonly takeover: Gauge;
  readonly errors: Counter<'kind' | 'class'>;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.passDuration = new Histogram({
      name: 'deployments_reconcile_duration_seconds',
      help: 'Duration of reconcile passes, by controller (service, pool) and outcome (done, retry, terminal)',
      labelNames: ['kind', 'outcome'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.queueDepth = new Gauge({
      name: 'deployments_reconcile_queue_depth',
      help: 'Keys waiting in a controller work queue, by controller (service, pool)',
      labelNames: ['kind'],
      registers,
    });
    this.queueWait = new Histogram({
      name: 'deployments_reconcile_queue_wait_seconds',
      help: 'How long a key waited in a controller work queue before its pass started, by controller (service, pool)',
      labelNames: ['kind'],
      buckets: [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.leader = new Gauge({
      name: 'deployments_reconciler_leader',
      help: '1 while this replica holds the reconciler Lease (its controllers run)',
      registers,
    });
    this.cacheSynced = new Gauge({
      name: 'deployments_reconciler_cache_synced',
      help: '1 once the informer caches have their first lists (on every replica, standbys included)',
      registers,
    });
    this.takeover = new Gauge({
      name: 'deployments_reconciler_takeover_seconds',
      help: 'Last leadership term: time from acquiring the Lease to the end of its first reconcile pass',
      registers,
    });
    this.errors = new Counter({
      name: 'deployments_reconcile_errors_total',
      help: 'Failed reconcile passes, by controller and class (retry: requeued with back-off; terminal: not requeued)',
      labelNames: ['kind', 'class'],
      registers,
    });
  }
}
