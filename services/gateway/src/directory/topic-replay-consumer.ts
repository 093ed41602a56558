import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { type Consumer, type EachMessagePayload, type Kafka } from 'kafkajs';
import { type EventsLogger, stderrLogger } from '@maas/events';

/** One Kafka record as a projection sees it; `value` null is a tombstone. */
export interface ReplayedRecord {
  key: string;
  value: Buffer | null;
  partition: number;
  offset: string;
}

export interface TopicReplayConsumerOptions {
  kafka: Kafka;
  /** The physical topic name (prefix included). */
  topic: string;
  /**
   * Base of the consumer group id. Every process appends a unique suffix
   * (`<base>.<host>-<pid>-<random>`): each gateway replica must read every partition, so
   * replicas never share a group. Offsets are never committed: every start replays.
   */
  groupId: string;
  /** Applies one record; must not throw (a projection logs and skips what it cannot read). */
  onRecord: (record: ReplayedRecord) => void;
  /** Longest a fetch waits for new messages (default 100 ms): bounds the change→effect time. */
  maxWaitTimeInMs?: number;
  /**
   * When fetches keep answering but nothing arrives for this long (default 2 s), partitions
   * still waited for count as caught up: on a compacted topic the records at the end of a
   * partition may have been removed (an old tombstone), so its end offset at start never
   * arrives.
   */
  idleCatchUpMs?: number;
  logger?: EventsLogger;
}

/**
 * Reads a topic from the beginning into an in-memory projection and follows it (the shape of
 * @maas/api-keys' KeyProjectionConsumer). `caughtUp` turns true once every partition reached
 * the end offset it had when `start` began, so a gateway counts as ready only with the whole
 * history applied. After a rejoin (broker restart) the group has no committed offsets and
 * replays from the beginning again; projections ignore what they already have (versions).
 */
export class TopicReplayConsumer {
  readonly groupId: string;
  readonly ready: Promise<void>;
  private markReady!: () => void;
  private consumer?: Consumer;
  private readonly logger: EventsLogger;
  /** Per partition: the offset to reach (exclusive) before counting as caught up. */
  private readonly pending = new Map<number, bigint>();
  private done = false;
  private lastDelivery = 0;
  private fetchesSinceDelivery = 0;
  private idleCheck?: NodeJS.Timeout;
  private records = 0;

  constructor(private readonly options: TopicReplayConsumerOptions) {
    const suffix = `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
    this.groupId = `${options.groupId}.${suffix}`;
    this.logger = options.logger ?? stderrLogger;
    this.ready = new Promise((resolve) => (this.markReady = resolve));
  }

  get topic(): string {
    return this.options.topic;
  }

  get caughtUp(): boolean {
    return this.done;
  }

  /** Records delivered so far (replays included). */
  get delivered(): number {
    return this.records;
  }

  /** Connects and starts following; rejects (and can be called again) when Kafka is not there. */
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
      await consumer.subscribe({ topics: [this.options.topic], fromBeginning: true });
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
    clearInterval(this.idleCheck);
    if (!consumer) return;
    this.consumer = undefined;
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
    if (this.done) return;
    const admin = this.options.kafka.admin();
    await admin.connect();
    try {
      this.pending.clear();
      for (const p of await admin.fetchTopicOffsets(this.options.topic)) {
        if (BigInt(p.high) > BigInt(p.low)) this.pending.set(p.partition, BigInt(p.high));
      }
    } finally {
      await admin.disconnect();
    }
    this.checkCaughtUp();
  }

  private onMessage({ partition, message }: EachMessagePayload): Promise<void> {
    this.records += 1;
    try {
      this.options.onRecord({
        key: message.key?.toString() ?? '',
        value: message.value,
        partition,
        offset: message.offset,
      });
    } catch (error) {
      // A projection bug must not stall the partition: log it and move on.
      this.logger.error(
        { topic: this.options.topic, partition, offset: message.offset, err: String(error) },
        'projection failed to apply a record; skipped',
      );
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

  /** After a (re)join: once fetches keep coming back empty, whatever is pending is at its end. */
  private watchIdle(): void {
    if (this.done) return;
    const idleMs = this.options.idleCatchUpMs ?? 2_000;
    this.lastDelivery = Date.now();
    this.fetchesSinceDelivery = 0;
    clearInterval(this.idleCheck);
    this.idleCheck = setInterval(() => {
      if (Date.now() - this.lastDelivery < idleMs || this.fetchesSinceDelivery < 2) return;
      if (this.pending.size > 0) {
        this.logger.info(
          { topic: this.options.topic, partitions: [...this.pending.keys()] },
          'no more messages: counting the remaining partitions as caught up (compacted tail)',
        );
        this.pending.clear();
      }
      this.checkCaughtUp();
    }, 200);
    this.idleCheck.unref();
  }

  private checkCaughtUp(): void {
    if (this.done || this.pending.size > 0) return;
    this.done = true;
    clearInterval(this.idleCheck);
    this.logger.info(
      { topic: this.options.topic, records: this.records },
      'projection caught up with the topic',
    );
    this.markReady();
  }
}
