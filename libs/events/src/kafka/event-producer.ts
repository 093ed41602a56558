import { type DescMessage } from '@bufbuild/protobuf';
import { type Kafka } from 'kafkajs';
import { buildEvent, type BuiltEvent, type EventInput } from '../envelope.js';
import { stderrLogger, type EventsLogger } from '../logger.js';
import { topicName } from '../topics.js';
import { byTopic, ReplaceableProducer } from './replaceable-producer.js';

export interface EventProducerOptions {
  kafka: Kafka;
  /** Prepended to every topic name (test runs, shared clusters). */
  topicPrefix?: string;
  logger?: EventsLogger;
}

/**
 * Publishes events straight to Kafka, for producers without a database transaction to tie
 * them to (the gateway's usage events). Anything that changes database state publishes
 * through the outbox instead (OutboxWriter), or an event can be lost or invented.
 * A rejected publish may still have reached some partitions; retrying it is safe for
 * consumers (same event ids, de-duplicated by the inbox).
 */
export class EventProducer {
  private readonly producer: ReplaceableProducer;
  private readonly prefix: string;

  constructor(options: EventProducerOptions) {
    this.producer = new ReplaceableProducer(options.kafka, options.logger ?? stderrLogger);
    this.prefix = options.topicPrefix ?? '';
  }

  /** Connects now (optional; publish connects on demand). */
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
   * Builds the envelopes and sends them in one batch; resolves once all in-sync replicas
   * have them all. Returns the built events (ids, envelopes) for a retry with the same ids.
   */
  publishAll(events: readonly EventInput[]): Promise<BuiltEvent[]> {
    return this.send(events.map((e) => buildEvent(e)));
  }

  /** Sends already built events again (e.g. after a rejected publish), same ids. */
  async send(built: BuiltEvent[]): Promise<BuiltEvent[]> {
    await this.producer.send(
      byTopic(
        built.map((e) => ({ topic: topicName(e.topic, this.prefix), key: e.key, value: e.bytes })),
      ),
    );
    return built;
  }
}
