import { type Admin, Kafka, logLevel } from 'kafkajs';
import { type Probe, type ReadinessCheck } from '../probe.js';

export interface KafkaCheckOptions {
  name?: string;
  /**
   * Whether readiness needs Kafka (default false): writes go to the outbox and consumers
   * resume from their offsets, so a Kafka outage degrades, never stops, a replica.
   */
  readiness?: boolean;
  brokers: readonly string[];
  clientId?: string;
}

class KafkaProbe implements Probe {
  private readonly admin: Admin;
  private connection?: Promise<void>;

  constructor({ brokers, clientId = 'maas-health' }: KafkaCheckOptions) {
    const kafka = new Kafka({
      clientId,
      brokers: [...brokers],
      connectionTimeout: 1_000,
      requestTimeout: 2_000,
      retry: { retries: 0 },
      logLevel: logLevel.NOTHING,
    });
    this.admin = kafka.admin({ retry: { retries: 0 } });
  }

  /** One admin client, connected on first use and reused; reconnected after a failure. */
  async ping(): Promise<Record<string, unknown>> {
    this.connection ??= this.admin.connect();
    try {
      await this.connection;
      const cluster = await this.admin.describeCluster();
      return { brokers: cluster.brokers.length };
    } catch (error) {
      this.connection = undefined;
      await this.admin.disconnect().catch(() => undefined);
      throw error;
    }
  }

  async close(): Promise<void> {
    this.connection = undefined;
    await this.admin.disconnect();
  }
}

/** Kafka: the admin client's describeCluster (a metadata round trip to a broker). */
export function kafkaCheck(options: KafkaCheckOptions): ReadinessCheck {
  return {
    name: options.name ?? 'kafka',
    readiness: options.readiness ?? false,
    create: () => new KafkaProbe(options),
  };
}
