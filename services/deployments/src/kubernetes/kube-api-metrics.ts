import { Counter } from 'prom-client';
import { type MetricsService } from '@maas/observability';
import { type ApiRequestKind } from './api-request.js';

/** Requests sent to kube-apiserver by this process, by verb and resource. */
export class KubeApiMetrics {
  readonly requests: Counter<'verb' | 'resource'>;

  constructor(metrics: MetricsService) {
    this.requests = new Counter({
      name: 'deployments_kube_api_requests_total',
      help: 'Requests sent to the Kubernetes API server, by verb (get, list, watch, apply, …) and resource',
      labelNames: ['verb', 'resource'],
      registers: [metrics.registry],
    });
  }

  count(request: ApiRequestKind): void {
    this.requests.inc({ verb: request.verb, resource: request.resource });
  }

  /** Requests so far, summed over every label (the benchmark reads it). */
  async total(filter: (labels: Partial<ApiRequestKind>) => boolean = () => true): Promise<number> {
    const { values } = await this.requests.get();
    return values
      .filter((v) => filter(v.labels as Partial<ApiRequestKind>))
      .reduce((sum, v) => sum + v.value, 0);
  }
}
