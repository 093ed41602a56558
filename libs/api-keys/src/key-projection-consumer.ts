import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { type Consumer, type EachMessagePayload, type Kafka } from 'kafkajs';
import {
  ApiKeyChangedSchema,
  ApiKeyDeletedSchema,
  decodeEnvelope,
  type EventsLogger,
  stderrLogger,
  Topic,
  topicName,
  unpackPayload,
} from '@maas/events';
import { type KeyProjection } from './key-projection.js';

export interface KeyProjectionConsumerOptions {
  kafka: Kafka;
  projection: KeyProjection;
  /** Prepended to the topic and group names (test runs, shared clusters). */
  topicPrefix?: string;
  /**
   * Base of the consumer group id (default "gateway.keys-projection"). Every process adds
   * a unique suffix: each replica must read every partition, so replicas never share a group.
   */
  name?: string;
  /** Longest a fetch waits for new messages (default 100 ms): bounds the delete→reject time. */
  maxWaitTimeInMs?: number;
  /**
   * When the broker has answered fetches but delivered nothing for this long (default 2 s),
   * the partitions still waited for count as caught up: compaction may have removed the
   * records at the end of a partition (an old tombstone), so its last offset at start never
   * arrives.
   */
  idleCatchUpMs?: number;
  logger?: EventsLogger;
}

export interface KeyProjectionStats {
  changed: number;
  deleted: number;
  tombstones: number;
  skipped: number;
  malformed: number;
}

/**
 * Keeps a KeyProjection from maas.keys.v1: reads the compacted topic from the beginning
 * (that is the bootstrap: the latest message of every key is its state), then follows it.
 * `ready` resolves once everything that was on the topic at start has been applied; a
 * gateway answers calls only after that. Offsets are never committed: every start replays.
 */
export class KeyProjectionConsumer {
  readonly groupId: string;
  readonly topic: string;
  readonly ready: Promise<void>;
  private markReady!: () => void;
  private consumer?: Consumer;
  private readonly logger: EventsLogger;
  /** Per partition: the offset to reach (exclusive) before the projection counts as caught up. */
  private readonly pending = new Map<number, bigint>();
  private caughtUp = false;
  /** When a message last arrived (or the consumer joined), and fetches answered since. */
  private lastDelivery = 0;
  private fetchesSinceDelivery = 0;
  private idleCheck?: NodeJS.Timeout;
  private readonly counters: KeyProjectionStats = {
    changed: 0,
    deleted: 0,
    tombstones: 0,
    skipped: 0,
    malformed: 0,
  };

  constructor(private readonly options: KeyProjectionConsumerOptions) {
    const prefix = options.topicPrefix ?? '';
    const suffix = `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
    this.groupId = `${prefix}${options.name ?? 'gateway.keys-projection'}.${suffix}`;
    this.topic = topicName(Topic.Keys, prefix);
    this.logger = options.logger ?? stderrLogger;
    this.ready = new Promise((resolve) => (this.markReady = resolve));
  }

  get isReady(): boolean {
    return this.caughtUp;
  }

  stats(): KeyProjectionStats {
    return { ...this.counters };
  }

  async start(): Promise<void> {
    if (this.consumer) return;
    await this.recordEndOffsets();
    const consumer = this.options.kafka.consumer({
      groupId: this.groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: this.options.maxWaitTimeInMs ?? 100,
      sessionTimeout: 10_000,
      heartbeatInterval: 3_000,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, () => this.watchIdle());
    consumer.on(consumer.events.FETCH, () => void (this.fetchesSinceDelivery += 1));
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [this.topic], fromBeginning: true });
      await consumer.run({ autoCommit: false, eachMessage: (payload) => this.onMessage(payload) });
    } catch (error) {
      this.consumer = undefined;
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  /** Leaves the group and deletes it (it was this process's alone). */
  async stop(): Promise<void> {
    const consumer = this.consumer;
    if (!consumer) return;
    this.consumer = undefined;
    clearInterval(this.idleCheck);
    await consumer.disconnect();
    const admin = this.options.kafka.admin();
    try {
      await admin.connect();
      await admin.deleteGroups([this.groupId]);
    } catch {
      // Best effort: an empty group expires on its own.
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  private async recordEndOffsets(): Promise<void> {
    const admin = this.options.kafka.admin();
    await admin.connect();
    try {
      for (const p of await admin.fetchTopicOffsets(this.topic)) {
        if (BigInt(p.high) > BigInt(p.low)) this.pending.set(p.partition, BigInt(p.high));
      }
    } finally {
      await admin.disconnect();
    }
    this.checkCaughtUp();
  }

  private onMessage({ partition, message }: EachMessagePayload): Promise<void> {
    const key = message.key?.toString() ?? '';
    if (message.value === null) {
      this.counters.tombstones += 1;
      if (key) this.options.projection.applyTombstone(key);
    } else {
      this.apply(message.value, { partition, offset: message.offset });
    }
    this.lastDelivery = Date.now();
    this.fetchesSinceDelivery = 0;
    const end = this.pending.get(partition);
    if (end !== undefined && BigInt(message.offset) + 1n >= end) {
      this.pending.delete(partition);
      this.checkCaughtUp();
    }
    return Promise.resolve();
  }

  private apply(value: Buffer, where: { partition: number; offset: string }): void {
    try {
      const envelope = decodeEnvelope(value);
      if (envelope.type === ApiKeyChangedSchema.typeName) {
        const payload = unpackPayload(envelope, ApiKeyChangedSchema);
        if (!payload) throw new Error('payload is not an ApiKeyChanged');
        this.options.projection.applyChanged(payload);
        this.counters.changed += 1;
      } else if (envelope.type === ApiKeyDeletedSchema.typeName) {
        const payload = unpackPayload(envelope, ApiKeyDeletedSchema);
        if (!payload) throw new Error('payload is not an ApiKeyDeleted');
        this.options.projection.applyDeleted(payload);
        this.counters.deleted += 1;
      } else {
        this.counters.skipped += 1;
      }
    } catch (error) {
      this.counters.malformed += 1;
      this.logger.error(
        {
          ...where,
          topic: this.topic,
          err: error instanceof Error ? error.message : String(error),
        },
        'skipping a malformed maas.keys.v1 message',
      );
    }
  }

  /** After a (re)join: once fetches keep coming back empty, whatever is pending is at its end. */
  private watchIdle(): void {
    if (this.caughtUp) return;
    const idleMs = this.options.idleCatchUpMs ?? 2_000;
    this.lastDelivery = Date.now();
    this.fetchesSinceDelivery = 0;
    clearInterval(this.idleCheck);
    this.idleCheck = setInterval(() => {
      if (Date.now() - this.lastDelivery < idleMs || this.fetchesSinceDelivery < 2) return;
      if (this.pending.size > 0) {
        this.logger.info(
          { topic: this.topic, partitions: [...this.pending.keys()] },
          'no more messages: counting the remaining partitions as caught up (compacted tail)',
        );
        this.pending.clear();
      }
      this.checkCaughtUp();
    }, 200);
    this.idleCheck.unref();
  }

  private checkCaughtUp(): void {
    if (this.caughtUp || this.pending.size > 0) return;
    this.caughtUp = true;
    clearInterval(this.idleCheck);
    this.markReady();
  }
}
