import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { type EachMessagePayload, type Kafka } from 'kafkajs';
import { decodeEnvelope } from '../envelope.js';
import { type Envelope } from '../gen/maas/events/v1/envelope_pb.js';
import { deleteGroupsQuietly } from '../kafka/consumer-run.js';
import { kafkaSession, RestartingConsumer } from '../kafka/restarting-consumer.js';
import { stderrLogger, type EventsLogger } from '../logger.js';

/** One Kafka message as a replaying projection sees it; `value` null is a tombstone. */
export interface ReplayedMessage {
  topic: string;
  /** The message key ('' when it has none). */
  key: string;
  value: Buffer | null;
  partition: number;
  offset: string;
}

/**
 * What a handler did with a message, counted in `stats()` under that name; `undefined`
 * counts nothing. A handler that throws has the message counted as `malformed`, logged and
 * skipped (never retried: the same bytes would fail again and block every later message).
 */
export type ReplayHandler<In, Outcome extends string> = (
  input: In,
  message: ReplayedMessage,
) => Outcome | undefined;

interface ReplayCommonOptions<Outcome extends string> {
  kafka: Kafka;
  /** The physical topic name (prefix included). */
  topic: string;
  /**
   * Base of the consumer group id (prefix included). Every instance appends a unique suffix
   * (`<base>.<host>-<pid>-<random>`): each process (each gateway replica) needs every
   * partition, so processes never share a group. Offsets are never committed: every start
   * replays the whole topic; the group is deleted on stop.
   */
  groupName: string;
  /** The names `stats()` counts (each starts at 0), besides `malformed`. */
  outcomes: readonly Outcome[];
  /**
   * Longest the broker holds a fetch when nothing is new (default 1 s). Kafka answers a fetch
   * as soon as a message arrives, so this does not bound the change→effect time; it is the
   * idle polling rate (100 ms cost 7–8 % of a core per idle gateway with four projections).
   * Keep it at most `idleCatchUpMs` so a compacted tail does not delay readiness.
   */
  maxWaitTimeInMs?: number;
  /**
   * When nothing arrives for this long after a (re)join or the last delivery (default 2 s) and
   * the broker has answered a fetch sent after that delivery (so Kafka is there and had
   * nothing more), partitions still waited for count as caught up: their end offset at start may
   * never arrive (compaction removed the last records, e.g. an old tombstone; or the last
   * offsets were transaction markers or aborted records, which are never delivered).
   */
  idleCatchUpMs?: number;
  logger?: EventsLogger;
}

/** Envelopes decoded for the handler; undecodable bytes count as `malformed`. */
export interface ReplayEventOptions<Outcome extends string> extends ReplayCommonOptions<Outcome> {
  onEvent: ReplayHandler<Envelope, Outcome>;
  /** Messages with a null value (compacted topics); without it they count nothing. */
  onTombstone?: ReplayHandler<string, Outcome>;
  onRecord?: never;
}

/** Every message as is, tombstones included. */
export interface ReplayRecordOptions<Outcome extends string> extends ReplayCommonOptions<Outcome> {
  onRecord: ReplayHandler<ReplayedMessage, Outcome>;
  onEvent?: never;
  onTombstone?: never;
}

export type TopicReplayOptions<Outcome extends string = never> =
  ReplayEventOptions<Outcome> | ReplayRecordOptions<Outcome>;

export type ReplayStats<Outcome extends string = never> = { [K in Outcome | 'malformed']: number };

/** How often the idle catch-up looks at the fetches (after a join, until caught up). */
const IDLE_TICK_MS = 200;
/** Idle polling: Kafka answers at once when a message arrives, so this costs no freshness. */
const DEFAULT_MAX_WAIT_MS = 1_000;

/**
 * Rebuilds an in-memory projection from a topic and follows it: reads the topic from the
 * beginning with a consumer group of this process alone, hands every message to the
 * handler, and turns `caughtUp` true (resolving `ready`) once every partition reached the
 * end offset it had when `start` began, so a process counts as ready only with the whole
 * history present at start applied. After a rejoin (broker restart) the group has no
 * committed offsets and replays from the beginning again: projections must ignore what they
 * already have (versions). `start()` rejects when Kafka or the topic is not there (it is
 * never created here); it can be called again (e.g. through `retryInBackground`).
 */
export class TopicReplayConsumer<Outcome extends string = never> {
  readonly groupId: string;
  readonly ready: Promise<void>;
  private markReady!: () => void;
  /**
   * Restarted by us when kafkajs gives up after a crash; a new Kafka consumer rejoins the same
   * group and, with no committed offsets, replays from the start.
   */
  private readonly consumer: RestartingConsumer;
  private readonly logger: EventsLogger;
  /** Per partition: the offset to reach (exclusive) before counting as caught up. */
  private readonly pending = new Map<number, bigint>();
  private done = false;
  private lastDelivery = 0;
  /** True once a fetch sent after the last delivery (or join) has been answered. */
  private answeredSinceDelivery = false;
  private idleCheck?: NodeJS.Timeout;
  private records = 0;
  private readonly counters: ReplayStats<Outcome>;

  constructor(private readonly options: TopicReplayOptions<Outcome>) {
    const suffix = `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
    this.groupId = `${options.groupName}.${suffix}`;
    this.logger = options.logger ?? stderrLogger;
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    const counters = { malformed: 0 } as ReplayStats<Outcome>;
    for (const outcome of options.outcomes) counters[outcome] = 0;
    this.counters = counters;
    this.consumer = new RestartingConsumer({
      name: this.groupId,
      logger: this.logger,
      open: (onFatalCrash) => {
        const kafkaConsumer = this.options.kafka.consumer({
          groupId: this.groupId,
          allowAutoTopicCreation: false,
          maxWaitTimeInMs: this.options.maxWaitTimeInMs ?? DEFAULT_MAX_WAIT_MS,
          sessionTimeout: 10_000,
          heartbeatInterval: 3_000,
        });
        kafkaConsumer.on(kafkaConsumer.events.GROUP_JOIN, () => this.watchIdle());
        kafkaConsumer.on(kafkaConsumer.events.FETCH, ({ payload }) =>
          this.onFetchAnswered(payload.duration),
        );
        return kafkaSession(
          kafkaConsumer,
          { topics: [this.options.topic], fromBeginning: true },
          { autoCommit: false, eachMessage: (payload) => this.onMessage(payload) },
          onFatalCrash,
        );
      },
    });
  }

  get topic(): string {
    return this.options.topic;
  }

  /** True once everything on the topic at start has been handed over; stays true. */
  get caughtUp(): boolean {
    return this.done;
  }

  /** Messages delivered so far (replays included). */
  get delivered(): number {
    return this.records;
  }

  stats(): ReplayStats<Outcome> {
    return { ...this.counters };
  }

  /** Connects and starts following; rejects (and can be called again) when Kafka is not there. */
  async start(): Promise<void> {
    if (this.consumer.started) return;
    await this.recordEndOffsets();
    await this.consumer.start();
  }

  /** Times the Kafka consumer was replaced after a crash kafkajs gave up on. */
  get restarts(): number {
    return this.consumer.restarts;
  }

  /** Leaves the group and deletes it (it was this process's alone). */
  async stop(): Promise<void> {
    clearInterval(this.idleCheck);
    if (!this.consumer.started) return;
    await this.consumer.stop();
    await deleteGroupsQuietly(this.options.kafka, [this.groupId]);
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

  private onMessage({ topic, partition, message }: EachMessagePayload): Promise<void> {
    this.records += 1;
    this.handle({
      topic,
      key: message.key?.toString() ?? '',
      value: message.value,
      partition,
      offset: message.offset,
    });
    this.lastDelivery = Date.now();
    this.answeredSinceDelivery = false;
    const end = this.pending.get(partition);
    if (end !== undefined && BigInt(message.offset) + 1n >= end) {
      this.pending.delete(partition);
      this.checkCaughtUp();
    }
    return Promise.resolve();
  }

  private handle(message: ReplayedMessage): void {
    const options = this.options;
    try {
      let outcome: Outcome | undefined;
      if (options.onRecord) outcome = options.onRecord(message, message);
      else if (message.value === null) outcome = options.onTombstone?.(message.key, message);
      else outcome = options.onEvent(decodeEnvelope(message.value), message);
      if (outcome !== undefined) this.counters[outcome] += 1;
    } catch (error) {
      // Skipped, not retried: the same bytes would fail again and block every later message.
      this.counters.malformed += 1;
      this.logger.error(
        {
          topic: message.topic,
          partition: message.partition,
          offset: message.offset,
          err: error,
        },
        'skipping a malformed message',
      );
    }
  }

  /**
   * A fetch came back. Only one sent after the last delivery tells that the broker had nothing
   * more (an earlier one may have been in flight while the delivery was handled).
   */
  private onFetchAnswered(durationMs: number | undefined): void {
    const sentAt = Date.now() - (durationMs ?? 0);
    if (sentAt >= this.lastDelivery) this.answeredSinceDelivery = true;
  }

  /**
   * After a (re)join: once nothing arrived for `idleCatchUpMs` (time, not a count of fetches,
   * so a long fetch wait does not delay readiness) and the broker answered a fetch sent since,
   * whatever is pending is at its end.
   */
  private watchIdle(): void {
    if (this.done) return;
    const idleMs = this.options.idleCatchUpMs ?? 2_000;
    this.lastDelivery = Date.now();
    this.answeredSinceDelivery = false;
    clearInterval(this.idleCheck);
    this.idleCheck = setInterval(() => {
      if (Date.now() - this.lastDelivery < idleMs || !this.answeredSinceDelivery) return;
      if (this.pending.size > 0) {
        this.logger.info(
          { topic: this.options.topic, partitions: [...this.pending.keys()] },
          'no more messages: counting the remaining partitions as caught up (compacted tail)',
        );
        this.pending.clear();
      }
      this.checkCaughtUp();
    }, IDLE_TICK_MS);
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
