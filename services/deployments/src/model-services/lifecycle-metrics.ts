import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { MetricsService } from '@maas/observability';

/** Prometheus counters of the lifecycle and of notification delivery. */
@Injectable()
export class LifecycleMetrics {
  readonly transitions: Counter<'reason' | 'to_state'>;
  readonly conflicts: Counter<'code'>;

  constructor(metrics: MetricsService) {
    this.transitions = new Counter({
      name: 'deployments_service_transitions_total',
      help: 'Model service transitions written, by event reason and state entered',
      labelNames: ['reason', 'to_state'],
      registers: [metrics.registry],
    });
    this.conflicts = new Counter({
      name: 'deployments_service_conflicts_total',
      help: 'Lifecycle operations refused with a conflict (wrong state, lost race)',
      labelNames: ['code'],
      registers: [metrics.registry],
    });
  }
}
