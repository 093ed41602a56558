import { type Kafka, type Producer, type TopicMessages } from 'kafkajs';
import { stderrLogger, type EventsLogger } from '../logger.js';
import { createIdempotentProducer } from './kafka.js';

/**
 * An idempotent producer that is replaced after a failed send. kafkajs keeps the sequence
 * numbers of a send it gave up on; when the caller then sends a different batch, the broker
 * rejects it as out of order. A new producer (new producer id) starts clean; what may have
 * been written twice is de-duplicated by consumers (event ids).
 */
export class ReplaceableProducer {
  private producer?: Producer;
  private connecting?: Promise<Producer>;

  constructor(
    private readonly kafka: Kafka,
    private readonly logger: EventsLogger = stderrLogger,
  ) {}

  /** Connects now (optional: sends connect on demand); rejects if Kafka is unreachable. */
  async connect(): Promise<void> {
    await this.connected();
  }

  /** Sends all messages with acks from all in-sync replicas; rejects if any may be missing. */
  async send(topicMessages: TopicMessages[]): Promise<void> {
    const producer = await this.connected();
    try {
      await producer.sendBatch({ acks: -1, topicMessages });
    } catch (error) {
      this.discard(producer);
      throw error;
    }
  }

  async disconnect(): Promise<void> {
    const producer = this.producer ?? (await this.connecting?.catch(() => undefined));
    this.producer = undefined;
    await producer?.disconnect();
  }

  private connected(): Promise<Producer> {
    if (this.producer) return Promise.resolve(this.producer);
    this.connecting ??= (async () => {
      const producer = createIdempotentProducer(this.kafka);
      try {
        await producer.connect();
      } catch (error) {
        this.discard(producer);
        throw error;
      }
      this.producer = producer;
      return producer;
    })().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private discard(producer: Producer): void {
    if (this.producer === producer) this.producer = undefined;
    producer.disconnect().catch((error: unknown) => {
      this.logger.debug({ err: error }, 'disconnecting a failed Kafka producer');
    });
  }
}

/**
 * Groups messages by topic, keeping their order within each topic. A `null` value is a
 * tombstone (on a compacted topic, it removes the key).
 */
export function byTopic(
  messages: { topic: string; key: string; value: Uint8Array | null }[],
): TopicMessages[] {
  const groups = new Map<string, { key: string; value: Buffer | null }[]>();
  for (const { topic, key, value } of messages) {
    const list = groups.get(topic) ?? [];
    list.push({
      key,
      value: value && Buffer.from(value.buffer, value.byteOffset, value.byteLength),
    });
    groups.set(topic, list);
  }
  return [...groups].map(([topic, list]) => ({ topic, messages: list }));
}
