import { Counter, Gauge, Histogram } from 'prom-client';
import { type MetricsService } from '@maas/observability';

/** Prometheus metrics of the reconciler. */
export class ReconcilerMetrics {
  readonly passDuration: Histogram<'kind' | 'outcome'>;
  readonly queueDepth: Gauge;
  readonly leader: Gauge;
  readonly errors: Counter<'kind' | 'class'>;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.passDuration = new Histogram({
      name: 'deployments_reconcile_duration_seconds',
      help: 'Duration of reconcile passes, by key kind (service, pool, pools) and outcome (done, retry, terminal)',
      labelNames: ['kind', 'outcome'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.queueDepth = new Gauge({
      name: 'deployments_reconcile_queue_depth',
      help: 'Keys waiting in the reconcile work queue',
      registers,
    });
    this.leader = new Gauge({
      name: 'deployments_reconciler_leader',
      help: '1 while this replica holds the reconciler Lease and reconciles',
      registers,
    });
    this.errors = new Counter({
      name: 'deployments_reconcile_errors_total',
      help: 'Failed reconcile passes, by key kind and class (retryable, terminal)',
      labelNames: ['kind', 'class'],
      registers,
    });
  }
}
