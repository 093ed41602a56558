import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsService } from '@maas/observability';

/**
 * The gateway's Prometheus metrics (SPEC §10), on the service's registry (GET /metrics):
 * requests by route, status and service; latency; tokens; upstream errors; calls in flight.
 * The service label is the service id (bounded by the services that exist), '' when a call
 * was refused before it was routed.
 */
@Injectable()
export class GatewayMetrics {
  private readonly requests: Counter<'route' | 'status' | 'service'>;
  private readonly latency: Histogram<'route' | 'stream'>;
  private readonly tokens: Counter<'service' | 'kind'>;
  private readonly upstreamErrors: Counter<'service' | 'kind'>;
  private readonly retries: Counter<'service'>;
  private readonly limiterDegraded: Counter;
  private readonly inFlightGauge: Gauge;
  private inFlight = 0;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.requests = new Counter({
      name: 'gateway_requests_total',
      help: 'Inference requests answered, by route, HTTP status and service id',
      labelNames: ['route', 'status', 'service'],
      registers,
    });
    this.latency = new Histogram({
      name: 'gateway_request_duration_seconds',
      help: 'Inference request duration (to the last byte), by route and whether it streamed',
      labelNames: ['route', 'stream'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.tokens = new Counter({
      name: 'gateway_tokens_total',
      help: 'Tokens of answered calls, by service id and kind (prompt, completion)',
      labelNames: ['service', 'kind'],
      registers,
    });
    this.upstreamErrors = new Counter({
      name: 'gateway_upstream_errors_total',
      help: 'Failed calls to model instances, by service id and kind (connect, timeout, broken, no_instance)',
      labelNames: ['service', 'kind'],
      registers,
    });
    this.retries = new Counter({
      name: 'gateway_upstream_retries_total',
      help: 'Calls sent to another instance after a connection failure, by service id',
      labelNames: ['service'],
      registers,
    });
    this.limiterDegraded = new Counter({
      name: 'gateway_limiter_unavailable_total',
      help: 'Admissions decided without Redis (the limiter failure mode applied)',
      registers,
    });
    this.inFlightGauge = new Gauge({
      name: 'gateway_requests_in_flight',
      help: 'Inference requests being handled (open streams included)',
      registers,
      collect: () => undefined,
    });
  }

  started(): void {
    this.inFlight += 1;
    this.inFlightGauge.set(this.inFlight);
  }

  finished(
    route: string,
    status: number,
    serviceId: string,
    seconds: number,
    stream: boolean,
  ): void {
    this.inFlight -= 1;
    this.inFlightGauge.set(this.inFlight);
    this.requests.inc({ route, status: String(status), service: serviceId });
    this.latency.observe({ route, stream: stream ? 'true' : 'false' }, seconds);
  }

  tokensUsed(serviceId: string, prompt: number, completion: number): void {
    if (prompt > 0) this.tokens.inc({ service: serviceId, kind: 'prompt' }, prompt);
    if (completion > 0) this.tokens.inc({ service: serviceId, kind: 'completion' }, completion);
  }

  upstreamError(serviceId: string, kind: string): void {
    this.upstreamErrors.inc({ service: serviceId, kind });
  }

  retried(serviceId: string, times: number): void {
    if (times > 0) this.retries.inc({ service: serviceId }, times);
  }

  limiterUnavailable(): void {
    this.limiterDegraded.inc();
  }
}
