import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Consumer, EachMessagePayload, Kafka } from 'kafkajs';
import { decodeEnvelope, type EventsLogger, stderrLogger, Topic, topicName } from '@maas/events';
import type { MemoryIamProjection } from './memory-iam-projection.js';

export interface MemoryIamProjectionConsumerOptions {
  kafka: Kafka;
  projection: MemoryIamProjection;
  /** Prepended to the topic and group names (test runs, shared clusters). */
  topicPrefix?: string;
  /**
   * Base of the consumer group id (default "gateway.iam-projection"). Every process adds a
   * unique suffix: each replica needs every message, so replicas never share a group.
   */
  name?: string;
  /** Longest a fetch waits for new messages (default 100 ms): how soon a freeze applies. */
  maxWaitTimeInMs?: number;
  /**
   * When fetches have kept coming back empty for this long (default 2 s), partitions whose
   * end offset at start never arrived count as caught up (e.g. the last offsets were
   * transaction markers, which are never delivered).
   */
  idleCatchUpMs?: number;
  logger?: EventsLogger;
}

export interface MemoryIamProjectionStats {
  applied: number;
  stale: number;
  skipped: number;
  malformed: number;
}

/**
 * Keeps a MemoryIamProjection from maas.iam.v1: reads the topic from the beginning on every
 * start (a consumer group of its own per process, offsets never committed), then follows it.
 * `caughtUp` turns true (and `ready` resolves) once everything that was on the topic when it
 * started has been applied: a process answers calls that need IAM only after that. `start()`
 * throws if Kafka or the topic is not there (IAM creates it): retry it (e.g. with
 * `retryInBackground` from @maas/events).
 */
export class MemoryIamProjectionConsumer {
  readonly groupId: string;
  readonly topic: string;
  readonly ready: Promise<void>;
  private markReady!: () => void;
  private consumer?: Consumer;
  private readonly logger: EventsLogger;
  /** Per partition: the offset to reach (exclusive) before the projection counts as caught up. */
  private readonly pending = new Map<number, bigint>();
  private isCaughtUp = false;
  private lastDelivery = 0;
  private fetchesSinceDelivery = 0;
  private idleCheck?: NodeJS.Timeout;
  private readonly counters: MemoryIamProjectionStats = {
    applied: 0,
    stale: 0,
    skipped: 0,
    malformed: 0,
  };

  constructor(private readonly options: MemoryIamProjectionConsumerOptions) {
    const prefix = options.topicPrefix ?? '';
    const suffix = `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
    this.groupId = `${prefix}${options.name ?? 'gateway.iam-projection'}.${suffix}`;
    this.topic = topicName(Topic.Iam, prefix);
    this.logger = options.logger ?? stderrLogger;
    this.ready = new Promise((resolve) => (this.markReady = resolve));
  }

  /** True once everything on the topic at start has been applied; stays true. */
  get caughtUp(): boolean {
    return this.isCaughtUp;
  }

  stats(): MemoryIamProjectionStats {
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
    if (message.value !== null) this.apply(message.value, { partition, offset: message.offset });
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
      this.counters[this.options.projection.applyEnvelope(decodeEnvelope(value))] += 1;
    } catch (error) {
      // Skipped, not retried: the same bytes would fail again and block every later change.
      this.counters.malformed += 1;
      this.logger.error(
        {
          ...where,
          topic: this.topic,
          err: error instanceof Error ? error.message : String(error),
        },
        'skipping a malformed maas.iam.v1 message',
      );
    }
  }

  /** After a (re)join: once fetches keep coming back empty, whatever is pending is at its end. */
  private watchIdle(): void {
    if (this.isCaughtUp) return;
    const idleMs = this.options.idleCatchUpMs ?? 2_000;
    this.lastDelivery = Date.now();
    this.fetchesSinceDelivery = 0;
    clearInterval(this.idleCheck);
    this.idleCheck = setInterval(() => {
      if (Date.now() - this.lastDelivery < idleMs || this.fetchesSinceDelivery < 2) return;
      if (this.pending.size > 0) {
        this.logger.info(
          { topic: this.topic, partitions: [...this.pending.keys()] },
          'no more messages: counting the remaining partitions as caught up',
        );
        this.pending.clear();
      }
      this.checkCaughtUp();
    }, 200);
    this.idleCheck.unref();
  }

  private checkCaughtUp(): void {
    if (this.isCaughtUp || this.pending.size > 0) return;
    this.isCaughtUp = true;
    clearInterval(this.idleCheck);
    this.markReady();
  }
}
