import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  type HealthIndicatorFunction,
  type HealthIndicatorResult,
  HealthIndicatorService,
} from '@nestjs/terminus';
import { Gauge } from 'prom-client';
import { MetricsService } from '@maas/observability';
import {
  DEFAULT_CHECK_TIMEOUT_MS,
  HEALTH_OPTIONS,
  HEALTH_PROBES,
  type HealthModuleOptions,
  type NamedProbe,
} from './probe.js';

/**
 * Runs the dependency checks for the health endpoints and the metric. A check readiness does
 * not need reports `degraded` (not `down`) on GET /health, so the overall answer stays 200
 * with the failure in its details; every check also sets `maas_dependency_up`, which is
 * refreshed on each scrape of /metrics (so it shows Kafka, Redis, the Kubernetes API even
 * though the kubelet only calls /health/ready).
 */
@Injectable()
export class DependencyChecks {
  private readonly timeoutMs: number;
  private readonly up?: Gauge<'dependency' | 'readiness'>;

  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(HEALTH_PROBES) private readonly probes: NamedProbe[],
    @Inject(HEALTH_OPTIONS) options: HealthModuleOptions,
    @Optional() metrics?: MetricsService,
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
    if (metrics) {
      const refresh = () => Promise.all(this.probes.map((probe) => this.check(probe)));
      this.up = new Gauge({
        name: 'maas_dependency_up',
        help: '1 when the dependency answered its health check at the last scrape, else 0; readiness="true" for those /health/ready needs',
        labelNames: ['dependency', 'readiness'],
        registers: [metrics.registry],
        async collect() {
          await refresh();
        },
      });
    }
  }

  /** GET /health/ready: only what this replica needs to answer its requests. */
  readiness(): HealthIndicatorFunction[] {
    return this.probes.filter((p) => p.readiness).map((probe) => () => this.check(probe));
  }

  /** GET /health: every dependency. */
  all(): HealthIndicatorFunction[] {
    return this.probes.map((probe) => () => this.check(probe));
  }

  private async check(probe: NamedProbe): Promise<HealthIndicatorResult> {
    const { name, readiness } = probe;
    const result = await this.indicators
      .check(name)
      .attempt(({ signal }) => probe.probe.ping(signal))
      .withTimeout(this.timeoutMs);
    const entry = result[name];
    this.up?.set({ dependency: name, readiness: String(readiness) }, entry.status === 'up' ? 1 : 0);
    const status = entry.status === 'down' && !readiness ? 'degraded' : entry.status;
    return { [name]: { ...entry, status, readiness } };
  }
}
