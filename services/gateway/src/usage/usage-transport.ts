import { type Kafka } from 'kafkajs';
import {
  ensureTopics,
  type EventsLogger,
  ReplaceableProducer,
  Topic,
  topicName,
} from '@maas/events';
import { type UsageMessage } from './usage-record.js';

/** Where usage messages go: resolves once all of them are acknowledged, rejects otherwise. */
export interface UsageTransport {
  send(messages: readonly UsageMessage[]): Promise<void>;
  close(): Promise<void>;
  /** Optional set-up before the first send (e.g. creating the topic); may be retried. */
  prepare?(): Promise<void>;
}

export interface KafkaUsageTransportOptions {
  kafka: Kafka;
  /** KAFKA_TOPIC_PREFIX. */
  topicPrefix?: string;
  /** How maas.usage.v1 is created when missing (the gateway is its producer). */
  partitions?: number;
  replicationFactor?: number;
  logger: EventsLogger;
}

/**
 * maas.usage.v1 through an idempotent producer (acks from all in-sync replicas), replaced
 * after a failed send (ReplaceableProducer). The topic is created by `prepare()` (the
 * recorder calls it at start, in the background) or else on the first send when it does not
 * exist yet (brokers do not auto-create topics; the gateway publishes it, and quotas' and
 * keys' usage consumers wait for it to exist).
 */
export class KafkaUsageTransport implements UsageTransport {
  private readonly producer: ReplaceableProducer;
  private readonly topic: string;
  private topicReady?: Promise<void>;

  constructor(private readonly options: KafkaUsageTransportOptions) {
    this.producer = new ReplaceableProducer(options.kafka, options.logger);
    this.topic = topicName(Topic.Usage, options.topicPrefix);
  }

  async send(messages: readonly UsageMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.ensureTopic();
    await this.producer.send([
      {
        topic: this.topic,
        messages: messages.map(({ key, value }) => ({
          key,
          value: Buffer.from(value.buffer, value.byteOffset, value.byteLength),
        })),
      },
    ]);
  }

  close(): Promise<void> {
    return this.producer.disconnect();
  }

  /** Creates maas.usage.v1 when missing; rejects (and can be called again) without Kafka. */
  prepare(): Promise<void> {
    return this.ensureTopic();
  }

  private ensureTopic(): Promise<void> {
    this.topicReady ??= (async () => {
      const admin = this.options.kafka.admin();
      try {
        await admin.connect();
        await ensureTopics(admin, [Topic.Usage], {
          prefix: this.options.topicPrefix,
          partitions: this.options.partitions,
          replicationFactor: this.options.replicationFactor,
        });
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    })().catch((error: unknown) => {
      this.topicReady = undefined; // asked again on the next send
      throw error;
    });
    return this.topicReady;
  }
}
