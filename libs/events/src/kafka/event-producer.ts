import { type DescMessage } from '@bufbuild/protobuf';
import { type Kafka, type Producer } from 'kafkajs';
import { buildEvent, type BuiltEvent, type EventInput } from '../envelope.js';
import { topicName } from '../topics.js';
import { createIdempotentProducer } from './kafka.js';

export interface EventProducerOptions {
  kafka: Kafka;
  /** Prepended to every topic name (test runs, shared clusters). */
  topicPrefix?: string;
}

/**
 * Publishes events straight to Kafka, for producers without a database transaction to tie
 * them to (the gateway's usage events). Anything that changes database state publishes
 * through the outbox instead (OutboxWriter), or an event can be lost or invented.
 */
export class EventProducer {
  private readonly producer: Producer;
  private readonly prefix: string;

  constructor(options: EventProducerOptions) {
    this.producer = createIdempotentProducer(options.kafka);
    this.prefix = options.topicPrefix ?? '';
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  /** Publishes one event (see publishAll); the payload is type-checked against the schema. */
  async publish<Desc extends DescMessage>(event: EventInput<Desc>): Promise<BuiltEvent> {
    const [built] = await this.send([buildEvent(event)]);
    return built;
  }

  /**
   * Builds the envelopes and sends them in one batch (acks from all in-sync replicas);
   * resolves once the brokers have them all. Returns the built events (ids, envelopes).
   */
  publishAll(events: readonly EventInput[]): Promise<BuiltEvent[]> {
    return this.send(events.map((e) => buildEvent(e)));
  }

  private async send(built: BuiltEvent[]): Promise<BuiltEvent[]> {
    const byTopic = new Map<string, { key: string; value: Buffer }[]>();
    for (const event of built) {
      const topic = topicName(event.topic, this.prefix);
      const messages = byTopic.get(topic) ?? [];
      messages.push({ key: event.key, value: Buffer.from(event.bytes) });
      byTopic.set(topic, messages);
    }
    await this.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
    return built;
  }
}
