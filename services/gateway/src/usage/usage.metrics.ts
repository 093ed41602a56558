import { Counter, Gauge, type Registry } from 'prom-client';

/** What the recorder reports (stats() and the Prometheus metrics). */
export interface UsageRecorderStats {
  /** Records in memory (not yet sent or spilled). */
  buffered: number;
  /** Records in the spill files, not yet acknowledged by Kafka. */
  spillRecords: number;
  spillBytes: number;
  /** Records Kafka acknowledged (a replayed record counts again). */
  sent: number;
  /** Records written to the spill. */
  spilled: number;
  /** Sends Kafka refused or that failed (each is retried from the spill). */
  failedSends: number;
  /** Records lost: memory and spill both full, or the record could not be encoded. */
  dropped: number;
}

/** The recorder's Prometheus metrics, registered on the service's registry (MetricsService). */
export class UsageMetrics {
  readonly sent: Counter;
  readonly spilled: Counter;
  readonly failedSends: Counter;
  readonly dropped: Counter<'reason'>;

  constructor(registry: Registry | undefined, stats: () => UsageRecorderStats) {
    const registers = registry ? [registry] : [];
    new Gauge({
      name: 'gateway_usage_buffered',
      help: 'Usage records in memory, waiting for the next send to Kafka',
      registers,
      collect() {
        this.set(stats().buffered);
      },
    });
    new Gauge({
      name: 'gateway_usage_spill_records',
      help: 'Usage records in the local spill files, waiting for Kafka (an outage in progress or being replayed)',
      registers,
      collect() {
        this.set(stats().spillRecords);
      },
    });
    new Gauge({
      name: 'gateway_usage_spill_bytes',
      help: 'Bytes of the local usage spill files',
      registers,
      collect() {
        this.set(stats().spillBytes);
      },
    });
    this.sent = new Counter({
      name: 'gateway_usage_sent_total',
      help: 'Usage records acknowledged by Kafka (maas.usage.v1)',
      registers,
    });
    this.spilled = new Counter({
      name: 'gateway_usage_spilled_total',
      help: 'Usage records written to the local spill because Kafka did not take them in time',
      registers,
    });
    this.failedSends = new Counter({
      name: 'gateway_usage_send_failures_total',
      help: 'Sends of usage records to Kafka that failed (the records are spilled and retried)',
      registers,
    });
    this.dropped = new Counter({
      name: 'gateway_usage_dropped_total',
      help: 'Usage records lost, by reason: buffer_full (memory and spill full), invalid (cannot be encoded)',
      labelNames: ['reason'],
      registers,
    });
  }
}
