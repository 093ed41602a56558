// TopicReplayConsumer on the real broker: a consumer started after the messages replays the
// topic from its beginning and is caught up only once all of them were handed over (a
// malformed one skipped and counted, a tombstone handed to onTombstone); it then follows new
// messages; two instances each get every message with groups of their own, deleted on stop;
// a partition whose end offset is never delivered (an aborted transaction's tail, as a
// compacted tail would be) still lets it catch up once fetches come back empty.
import { eventually, loadStackEnv, quiet, uniqueTopicPrefix } from '@maas/testing';
import { type Admin, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildEvent,
  createKafka,
  ensureTopics,
  requirePayload,
  Topic,
  topicName,
  TopicReplayConsumer,
  UserCreatedSchema,
  UserDeletedSchema,
} from '../src/index.js';

const env = loadStackEnv();
const prefix = uniqueTopicPrefix('replay');
const topic = topicName(Topic.Iam, prefix);
const tailTopic = topicName(Topic.Keys, prefix);
const kafka = createKafka({
  brokers: env.KAFKA_BROKERS,
  clientId: 'topic-replay-test',
  logLevel: logLevel.ERROR,
  logger: quiet,
});
const producer = kafka.producer({ allowAutoTopicCreation: false });
const started: TopicReplayConsumer<string>[] = [];

type Outcome = 'created' | 'deleted' | 'tombstones' | 'other';

/** A projection of user names, fed by a replay consumer. */
function replica() {
  const users = new Map<string, string>();
  const consumer = new TopicReplayConsumer<Outcome>({
    kafka,
    topic,
    groupName: `${prefix}test.users`,
    outcomes: ['created', 'deleted', 'tombstones', 'other'],
    logger: quiet,
    onTombstone: (key) => {
      users.delete(key);
      return 'tombstones';
    },
    onEvent: (envelope) => {
      if (envelope.type === UserCreatedSchema.typeName) {
        const user = requirePayload(envelope, UserCreatedSchema);
        users.set(user.userId, user.name);
        return 'created';
      }
      if (envelope.type === UserDeletedSchema.typeName) {
        users.delete(requirePayload(envelope, UserDeletedSchema).userId);
        return 'deleted';
      }
      return 'other';
    },
  });
  started.push(consumer);
  return { users, consumer };
}

const created = (userId: string) =>
  buildEvent({
    schema: UserCreatedSchema,
    payload: { userId, accountId: 'acc-1', name: `name-${userId}`, root: false },
    accountId: 'acc-1',
    aggregateType: 'user',
    aggregateId: userId,
  });

const deleted = (userId: string) =>
  buildEvent({
    schema: UserDeletedSchema,
    payload: { userId, accountId: 'acc-1' },
    accountId: 'acc-1',
    aggregateType: 'user',
    aggregateId: userId,
  });

async function send(
  messages: { key: string; value: Buffer | Uint8Array | null }[],
  to = topic,
): Promise<void> {
  await producer.send({
    topic: to,
    messages: messages.map((m) => ({
      key: m.key,
      value: m.value === null ? null : Buffer.from(m.value),
    })),
  });
}

async function withAdmin<T>(fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

const USERS = Array.from({ length: 30 }, (_, i) => `u-${i}`);

beforeAll(async () => {
  await withAdmin((admin) =>
    ensureTopics(admin, [Topic.Iam, Topic.Keys], { prefix, partitions: 3 }),
  );
  await producer.connect();
  // History on the topic before any consumer exists: the state must come from replay.
  await send(USERS.map((u) => ({ key: u, value: created(u).bytes })));
  await send([
    { key: 'u-0', value: deleted('u-0').bytes },
    { key: 'u-1', value: null },
    { key: 'u-2', value: Buffer.from('not an envelope') },
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.allSettled(started.map((c) => c.stop()));
  await producer.disconnect();
  await withAdmin((admin) => admin.deleteTopics({ topics: [topic, tailTopic] })).catch(
    () => undefined,
  );
});

describe('TopicReplayConsumer on a real topic', () => {
  it('has applied the whole history when ready, then follows; every replica gets everything', async () => {
    const first = replica();
    await first.consumer.start();
    await first.consumer.ready;
    expect(first.consumer.caughtUp).toBe(true);
    // Nothing awaited beyond `ready`: the history is already applied.
    expect(first.consumer.stats()).toEqual({
      created: 30,
      deleted: 1,
      tombstones: 1,
      other: 0,
      malformed: 1,
    });
    expect([...first.users.keys()].sort()).toEqual(
      USERS.filter((u) => u !== 'u-0' && u !== 'u-1').sort(),
    );

    const second = replica();
    await second.consumer.start();
    await second.consumer.ready;
    expect(second.consumer.groupId).not.toBe(first.consumer.groupId);
    expect(second.users).toEqual(first.users);

    await send([{ key: 'late', value: created('late').bytes }]);
    await eventually(() => first.users.has('late') && second.users.has('late'), {
      description: 'both replicas follow the topic',
    });
  });

  it('deletes its own group on stop', async () => {
    const { consumer } = replica();
    await consumer.start();
    await consumer.ready;
    const groups = async () =>
      (await withAdmin((admin) => admin.listGroups())).groups.map((g) => g.groupId);
    expect(await groups()).toContain(consumer.groupId);
    await consumer.stop();
    expect(await groups()).not.toContain(consumer.groupId);
  });

  it('catches up when a partition ends in offsets never delivered (idle catch-up)', async () => {
    const tx = kafka.producer({
      transactionalId: `${prefix}tail`,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await tx.connect();
    try {
      await send([{ key: 'kept', value: created('kept').bytes }], tailTopic);
      const transaction = await tx.transaction();
      await transaction.send({
        topic: tailTopic,
        messages: [0, 1, 2, 3].map((i) => ({ key: `tail-${i}`, value: 'never committed' })),
      });
      await transaction.abort();
    } finally {
      await tx.disconnect();
    }
    const seen: string[] = [];
    const consumer = new TopicReplayConsumer<'seen'>({
      kafka,
      topic: tailTopic,
      groupName: `${prefix}test.tail`,
      outcomes: ['seen'],
      idleCatchUpMs: 500,
      logger: quiet,
      onEvent: (envelope) => {
        seen.push(envelope.aggregateId);
        return 'seen';
      },
    });
    started.push(consumer);
    await consumer.start();
    await eventually(() => consumer.caughtUp, {
      timeoutMs: 15_000,
      description: 'caught up despite the aborted tail',
    });
    expect(seen).toEqual(['kept']);
    expect(consumer.stats()).toEqual({ seen: 1, malformed: 0 });
  });
});
