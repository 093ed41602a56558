import { hostname } from 'node:os';
import { type ConsumerConfig, type EachMessagePayload, type Kafka } from 'kafkajs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildEvent } from '../envelope.js';
import { type Envelope } from '../gen/maas/events/v1/envelope_pb.js';
import { UserCreatedSchema, UserDeletedSchema } from '../gen/maas/iam/v1/iam_pb.js';
import { type EventsLogger } from '../logger.js';
import {
  type ReplayedMessage,
  TopicReplayConsumer,
  type TopicReplayOptions,
} from './topic-replay-consumer.js';

// The Kafka side is faked here (what the consumer asks kafkajs for, and the messages and
// events kafkajs would hand it); the real broker is exercised in
// libs/events/test/topic-replay.int-spec.ts.

const TOPIC = 't.maas.iam.v1';

/** A kafkajs consumer as far as TopicReplayConsumer uses it. */
class FakeConsumer {
  readonly events = {
    GROUP_JOIN: 'consumer.group_join',
    FETCH: 'consumer.fetch',
    CRASH: 'consumer.crash',
  };
  readonly listeners = new Map<string, ((event: unknown) => void)[]>();
  subscription?: unknown;
  eachMessage?: (payload: EachMessagePayload) => Promise<void>;
  autoCommit?: boolean;
  connected = false;
  failConnect = false;

  constructor(readonly config: ConsumerConfig) {}

  on(event: string, listener: (event: unknown) => void): void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
  }
  connect(): Promise<void> {
    if (this.failConnect) return Promise.reject(new Error('broker not there'));
    this.connected = true;
    return Promise.resolve();
  }
  subscribe(subscription: unknown): Promise<void> {
    this.subscription = subscription;
    return Promise.resolve();
  }
  run(config: {
    autoCommit: boolean;
    eachMessage: (p: EachMessagePayload) => Promise<void>;
  }): Promise<void> {
    this.autoCommit = config.autoCommit;
    this.eachMessage = config.eachMessage;
    return Promise.resolve();
  }
  disconnect(): Promise<void> {
    this.connected = false;
    return Promise.resolve();
  }
  /** `durationMs`: how long the answered fetch had been in flight (kafkajs FETCH payload). */
  emit(event: 'GROUP_JOIN' | 'FETCH', durationMs = 0): void {
    const payload = event === 'FETCH' ? { duration: durationMs } : {};
    for (const listener of this.listeners.get(this.events[event]) ?? []) listener({ payload });
  }
  async deliver(partition: number, offset: number, value: Uint8Array | null, key = 'k') {
    await this.eachMessage!({
      topic: TOPIC,
      partition,
      message: {
        key: Buffer.from(key),
        value: value === null ? null : Buffer.from(value),
        offset: String(offset),
      },
    } as unknown as EachMessagePayload);
  }
}

/** A Kafka with one topic whose partitions have the given [low, high) offsets. */
function fakeKafka(partitions: [low: number, high: number][]) {
  const consumers: FakeConsumer[] = [];
  const deletedGroups: string[] = [];
  let failConnect = false;
  const kafka = {
    consumer: (config: ConsumerConfig) => {
      const consumer = new FakeConsumer(config);
      consumer.failConnect = failConnect;
      consumers.push(consumer);
      return consumer;
    },
    admin: () => ({
      connect: () => Promise.resolve(),
      disconnect: () => Promise.resolve(),
      fetchTopicOffsets: (topic: string) => {
        expect(topic).toBe(TOPIC);
        return Promise.resolve(
          partitions.map(([low, high], partition) => ({
            partition,
            offset: String(high),
            low: String(low),
            high: String(high),
          })),
        );
      },
      deleteGroups: (ids: string[]) => {
        deletedGroups.push(...ids);
        return Promise.resolve([]);
      },
    }),
  };
  return {
    kafka: kafka as unknown as Kafka,
    consumers,
    deletedGroups,
    failNextConnect: (fail: boolean) => void (failConnect = fail),
    get last(): FakeConsumer {
      return consumers.at(-1)!;
    },
  };
}

function recordingLogger() {
  const lines: { level: string; context: object; message: string }[] = [];
  const at = (level: string) => (context: object, message: string) =>
    void lines.push({ level, context, message });
  const logger: EventsLogger = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
  return { logger, lines };
}

const userCreated = (userId: string) =>
  buildEvent({
    schema: UserCreatedSchema,
    payload: { userId, accountId: 'acc-1', name: userId, root: false },
    accountId: 'acc-1',
    aggregateType: 'user',
    aggregateId: userId,
  }).bytes;

const userDeleted = (userId: string) =>
  buildEvent({
    schema: UserDeletedSchema,
    payload: { userId, accountId: 'acc-1' },
    accountId: 'acc-1',
    aggregateType: 'user',
    aggregateId: userId,
  }).bytes;

type Outcome = 'created' | 'other' | 'tombstones';

/** An event-mode consumer that records what its handlers saw. */
function eventConsumer(
  kafka: Kafka,
  extra: Partial<TopicReplayOptions<Outcome>> = {},
  logger = recordingLogger().logger,
) {
  const seen: { type: string; offset: string }[] = [];
  const tombstones: string[] = [];
  const consumer = new TopicReplayConsumer<Outcome>({
    kafka,
    topic: TOPIC,
    groupName: 't.gateway.test',
    outcomes: ['created', 'other', 'tombstones'],
    logger,
    onEvent: (envelope: Envelope, message: ReplayedMessage) => {
      seen.push({ type: envelope.type, offset: message.offset });
      return envelope.type === UserCreatedSchema.typeName ? 'created' : 'other';
    },
    onTombstone: (key) => {
      tombstones.push(key);
      return 'tombstones';
    },
    ...extra,
  } as TopicReplayOptions<Outcome>);
  return { consumer, seen, tombstones };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('TopicReplayConsumer', () => {
  it('reads from the beginning with a group of its own, never committing', async () => {
    const fake = fakeKafka([[0, 0]]);
    const a = eventConsumer(fake.kafka).consumer;
    const b = eventConsumer(fake.kafka).consumer;
    expect(a.groupId).toMatch(
      new RegExp(`^t\\.gateway\\.test\\.${hostname()}-${process.pid}-[0-9a-f]{8}$`),
    );
    expect(b.groupId).not.toBe(a.groupId);

    await a.start();
    expect(fake.last.config).toMatchObject({
      groupId: a.groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 1_000, // idle polling; Kafka answers at once when a message arrives
    });
    expect(fake.last.subscription).toEqual({ topics: [TOPIC], fromBeginning: true });
    expect(fake.last.autoCommit).toBe(false);
    await a.stop();

    const slow = eventConsumer(fake.kafka, { maxWaitTimeInMs: 700 }).consumer;
    await slow.start();
    expect(fake.last.config.maxWaitTimeInMs).toBe(700);
    await slow.stop();
  });

  it('is caught up at once on an empty topic', async () => {
    const fake = fakeKafka([
      [0, 0],
      [5, 5],
    ]);
    const { consumer } = eventConsumer(fake.kafka);
    expect(consumer.caughtUp).toBe(false);
    await consumer.start();
    expect(consumer.caughtUp).toBe(true);
    await consumer.ready;
    await consumer.stop();
  });

  it('is caught up once every partition reached its end offset seen at start', async () => {
    const fake = fakeKafka([
      [0, 2],
      [0, 1],
      [3, 3],
    ]);
    const { consumer, seen } = eventConsumer(fake.kafka);
    let ready = false;
    void consumer.ready.then(() => (ready = true));
    await consumer.start();
    await fake.last.deliver(0, 0, userCreated('u-1'));
    await fake.last.deliver(1, 0, userCreated('u-2'));
    expect(consumer.caughtUp).toBe(false);
    await fake.last.deliver(0, 1, userDeleted('u-1'));
    expect(consumer.caughtUp).toBe(true);
    await Promise.resolve();
    expect(ready).toBe(true);
    // Messages after the end seen at start are handed over too (it follows the topic).
    await fake.last.deliver(1, 1, userCreated('u-3'));
    expect(seen.map((s) => s.offset)).toEqual(['0', '0', '1', '1']);
    expect(consumer.stats()).toEqual({ created: 3, other: 1, tombstones: 0, malformed: 0 });
    expect(consumer.delivered).toBe(4);
    await consumer.stop();
  });

  it('counts and skips malformed messages without stalling the catch-up', async () => {
    const fake = fakeKafka([[0, 3]]);
    const { logger, lines } = recordingLogger();
    const { consumer } = eventConsumer(
      fake.kafka,
      {
        onEvent: (envelope) => {
          if (envelope.type === UserDeletedSchema.typeName) throw new Error('cannot apply');
          return 'created';
        },
      },
      logger,
    );
    await consumer.start();
    await fake.last.deliver(0, 0, Buffer.from('not an envelope'));
    await fake.last.deliver(0, 1, userDeleted('u-1'));
    await fake.last.deliver(0, 2, userCreated('u-2'));
    expect(consumer.caughtUp).toBe(true);
    expect(consumer.stats()).toEqual({ created: 1, other: 0, tombstones: 0, malformed: 2 });
    const errors = lines.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(2);
    expect(errors[1]).toMatchObject({
      message: 'skipping a malformed message',
      context: { topic: TOPIC, partition: 0, offset: '1', err: new Error('cannot apply') },
    });
    await consumer.stop();
  });

  it('hands tombstones to onTombstone, or counts nothing without one', async () => {
    const fake = fakeKafka([[0, 5]]);
    const { consumer, tombstones, seen } = eventConsumer(fake.kafka);
    await consumer.start();
    await fake.last.deliver(0, 0, null, 'key-1');
    expect(tombstones).toEqual(['key-1']);
    expect(seen).toEqual([]);
    expect(consumer.stats().tombstones).toBe(1);
    await consumer.stop();

    const plain = new TopicReplayConsumer<'seen'>({
      kafka: fake.kafka,
      topic: TOPIC,
      groupName: 'plain',
      outcomes: ['seen'],
      onEvent: () => 'seen',
    });
    await plain.start();
    await fake.last.deliver(0, 0, null);
    await fake.last.deliver(0, 1, userCreated('u-1'));
    expect(plain.stats()).toEqual({ seen: 1, malformed: 0 });
    await plain.stop();
  });

  it('hands raw records (tombstones included) to onRecord', async () => {
    const fake = fakeKafka([[0, 2]]);
    const records: ReplayedMessage[] = [];
    const consumer = new TopicReplayConsumer({
      kafka: fake.kafka,
      topic: TOPIC,
      groupName: 'raw',
      outcomes: [],
      onRecord: (record) => void records.push(record),
    });
    await consumer.start();
    await fake.last.deliver(0, 0, Buffer.from('raw bytes'), 'a');
    await fake.last.deliver(0, 1, null, 'b');
    expect(records).toEqual([
      { topic: TOPIC, key: 'a', value: Buffer.from('raw bytes'), partition: 0, offset: '0' },
      { topic: TOPIC, key: 'b', value: null, partition: 0, offset: '1' },
    ]);
    expect(consumer.caughtUp).toBe(true);
    expect(consumer.stats()).toEqual({ malformed: 0 });
    await consumer.stop();
  });

  it('counts a partition whose end never arrives as caught up once idle and a later fetch answered', async () => {
    vi.useFakeTimers();
    const fake = fakeKafka([
      [0, 4],
      [0, 1],
    ]);
    const { logger, lines } = recordingLogger();
    const { consumer } = eventConsumer(fake.kafka, { idleCatchUpMs: 1_000 }, logger);
    await consumer.start();
    fake.last.emit('GROUP_JOIN');
    await fake.last.deliver(1, 0, userCreated('u-1'));
    await fake.last.deliver(0, 0, userCreated('u-2'));
    // Offsets 1..3 of partition 0 never come (a compacted or aborted tail).
    await vi.advanceTimersByTimeAsync(3_000);
    expect(consumer.caughtUp).toBe(false); // no fetch answered since: not idle, maybe Kafka away
    fake.last.emit('FETCH', 5_000); // sent before the last delivery: says nothing about after
    await vi.advanceTimersByTimeAsync(400);
    expect(consumer.caughtUp).toBe(false);
    fake.last.emit('FETCH', 1_000); // sent after it and answered empty: the broker has no more
    await vi.advanceTimersByTimeAsync(400);
    expect(consumer.caughtUp).toBe(true);
    expect(lines.some((l) => l.message.startsWith('no more messages'))).toBe(true);
    await consumer.stop();
  });

  it('goes by time, not by a count of fetches: one answered fetch and the idle time suffice', async () => {
    vi.useFakeTimers();
    const fake = fakeKafka([[0, 4]]);
    const { consumer } = eventConsumer(fake.kafka, { idleCatchUpMs: 1_000 });
    await consumer.start();
    fake.last.emit('GROUP_JOIN');
    await fake.last.deliver(0, 0, userCreated('u-1'));
    fake.last.emit('FETCH'); // a long-wait fetch would answer once, after its wait
    await vi.advanceTimersByTimeAsync(800);
    expect(consumer.caughtUp).toBe(false); // idle time not yet over
    await vi.advanceTimersByTimeAsync(400);
    expect(consumer.caughtUp).toBe(true);
    await consumer.stop();
  });

  it('does not take a quiet moment right after a delivery for the end', async () => {
    vi.useFakeTimers();
    const fake = fakeKafka([[0, 4]]);
    const { consumer } = eventConsumer(fake.kafka, { idleCatchUpMs: 1_000 });
    await consumer.start();
    fake.last.emit('GROUP_JOIN');
    fake.last.emit('FETCH');
    fake.last.emit('FETCH');
    await vi.advanceTimersByTimeAsync(800);
    await fake.last.deliver(0, 0, userCreated('u-1'));
    fake.last.emit('FETCH');
    fake.last.emit('FETCH');
    await vi.advanceTimersByTimeAsync(800);
    expect(consumer.caughtUp).toBe(false);
    await vi.advanceTimersByTimeAsync(400);
    expect(consumer.caughtUp).toBe(true);
    await consumer.stop();
  });

  it('leaves and deletes its group on stop; a failed start can be retried', async () => {
    const fake = fakeKafka([[0, 1]]);
    const { consumer } = eventConsumer(fake.kafka);
    await consumer.stop(); // not started: nothing to do
    expect(fake.deletedGroups).toEqual([]);

    fake.failNextConnect(true);
    await expect(consumer.start()).rejects.toThrow('broker not there');
    expect(fake.last.connected).toBe(false);
    fake.failNextConnect(false);
    await consumer.start();
    expect(fake.consumers).toHaveLength(2);
    expect(fake.last.connected).toBe(true);
    await consumer.start(); // already started: no second consumer
    expect(fake.consumers).toHaveLength(2);

    await consumer.stop();
    expect(fake.last.connected).toBe(false);
    expect(fake.deletedGroups).toEqual([consumer.groupId]);
  });
});
