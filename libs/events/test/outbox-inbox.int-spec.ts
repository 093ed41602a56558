import { eventually } from '@maas/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createIdempotentProducer,
  createOutboxRelay,
  EventConsumer,
  OutboxWriter,
  Topic,
  topicName,
  UserCreatedSchema,
  UsageRecordedSchema,
  UserDeletedSchema,
  EventProducer,
  type OutboxRelay,
} from '../src/index.js';
import { World } from './harness.js';

const world = new World();
let writer: OutboxWriter;
let relay: OutboxRelay;
let consumer: EventConsumer | undefined;

/** A consumer whose handler writes one `effect` row per event, in the inbox transaction. */
function startConsumer(): EventConsumer {
  const c = new EventConsumer({
    kafka: world.kafka,
    dataSource: world.dataSource,
    schema: world.schema,
    name: 'users-projection',
    topicPrefix: world.prefix,
    logger: world.logger,
  })
    .on(UserCreatedSchema, async (event, manager) => {
      await manager.query(
        `INSERT INTO "${world.schema}".effect (event_id, aggregate_id, seq) VALUES ($1, $2, $3)`,
        [event.eventId, event.aggregateId, Number(event.payload.name.split('-')[1])],
      );
    })
    .on(UserDeletedSchema, async (event, manager) => {
      await manager.query(
        `INSERT INTO "${world.schema}".effect (event_id, aggregate_id, seq) VALUES ($1, $2, -1)`,
        [event.eventId, event.aggregateId],
      );
    });
  world.groups.push(c.groupId);
  return c;
}

/** The state change and its event, in one transaction; `fail` rolls both back. */
async function createUser(userId: string, seq: number, fail = false): Promise<string> {
  let eventId = '';
  await world.dataSource
    .transaction(async (manager) => {
      await manager.query(`INSERT INTO "${world.schema}".thing (id, seq) VALUES ($1, $2)`, [
        userId,
        seq,
      ]);
      const built = await writer.append(manager, {
        schema: UserCreatedSchema,
        payload: { userId, accountId: 'acc-1', name: `user-${seq}` },
        accountId: 'acc-1',
        aggregateType: 'user',
        aggregateId: userId,
      });
      eventId = built.envelope.eventId;
      if (fail) throw new Error('rolled back on purpose');
    })
    .catch((error: unknown) => {
      if (!fail) throw error;
    });
  return eventId;
}

beforeAll(async () => {
  await world.open();
  writer = new OutboxWriter({ schema: world.schema, topicPrefix: world.prefix });
  relay = createOutboxRelay({
    dataSource: world.dataSource,
    schema: world.schema,
    kafka: world.kafka,
    pollIntervalMs: 60_000, // the LISTEN/NOTIFY wake-up must do the work
    logger: world.logger,
  });
  await relay.start();
});

afterAll(async () => {
  await consumer?.stop();
  await relay?.stop();
  await world.close();
});

describe('outbox → Kafka → inbox', () => {
  it('delivers a committed event exactly once in effect, even when Kafka delivers it again', async () => {
    consumer = startConsumer();
    await consumer.start();
    const eventId = await createUser('u-a', 1);

    await eventually(
      async () => {
        const effects = await world.effects();
        expect(effects).toEqual([{ aggregateId: 'u-a', seq: 1, eventId }]);
        return effects;
      },
      {
        timeoutMs: 30_000,
        description: 'the event to be handled',
      },
    );
    expect(await world.count('thing', `id = 'u-a'`)).toBe(1);
    expect(await world.count('outbox', 'sent_at IS NOT NULL')).toBe(1);

    // A second copy of the same message (as after a producer retry or a relay crash).
    const [{ envelope, key }] = await world.dataSource.query<{ envelope: Buffer; key: string }[]>(
      `SELECT envelope, key FROM "${world.schema}".outbox WHERE event_id = $1`,
      [eventId],
    );
    const producer = createIdempotentProducer(world.kafka); // same partitioner: same partition
    await producer.connect();
    await producer.send({
      topic: topicName(Topic.Iam, world.prefix),
      messages: [{ key, value: envelope }],
    });
    await producer.disconnect();
    await eventually(() => consumer!.stats().duplicates === 1, { timeoutMs: 30_000 });

    // And everything again from the start of the topic (offsets reset).
    await consumer.stop();
    await world.withAdmin((admin) =>
      admin.resetOffsets({
        groupId: consumer!.groupId,
        topic: topicName(Topic.Iam, world.prefix),
        earliest: true,
      }),
    );
    consumer = startConsumer();
    await consumer.start();
    await eventually(() => consumer!.stats().duplicates === 2, { timeoutMs: 30_000 });

    expect(consumer.stats()).toMatchObject({ handled: 0, duplicates: 2, malformed: 0 });
    expect(await world.effects()).toHaveLength(1);
    expect(await world.count('inbox', `event_id = '${eventId}'`)).toBe(1);
  });

  it('publishes nothing for a rolled-back transaction', async () => {
    consumer ??= startConsumer();
    await consumer.start();
    const before = (await world.effects()).length;

    const rolledBack = await createUser('u-rollback', 2, true);
    // A committed event after it: once that one is handled, the relay has passed the point
    // where the rolled-back one would have been.
    const marker = await createUser('u-marker', 3);

    await eventually(async () => (await world.effects()).some((e) => e.eventId === marker), {
      timeoutMs: 30_000,
    });
    const effects = await world.effects();
    expect(effects.slice(before).map((e) => e.aggregateId)).toEqual(['u-marker']);
    expect(effects.map((e) => e.eventId)).not.toContain(rolledBack);
    expect(await world.count('thing', `id = 'u-rollback'`)).toBe(0);
    expect(await world.count('outbox', `event_id = '${rolledBack}'`)).toBe(0);
    expect(await world.count('outbox', 'sent_at IS NULL')).toBe(0);
  });

  it('delivers an event published directly (no outbox) through the same envelope', async () => {
    const producer = new EventProducer({
      kafka: world.kafka,
      topicPrefix: world.prefix,
      logger: world.logger,
    });
    const ledger = new EventConsumer({
      kafka: world.kafka,
      dataSource: world.dataSource,
      schema: world.schema,
      name: 'usage-ledger',
      topicPrefix: world.prefix,
      logger: world.logger,
    }).on(UsageRecordedSchema, async (event, manager) => {
      await manager.query(
        `INSERT INTO "${world.schema}".effect (event_id, aggregate_id, seq) VALUES ($1, $2, $3)`,
        [event.eventId, event.aggregateId, event.payload.totalTokens],
      );
    });
    world.groups.push(ledger.groupId);
    try {
      await ledger.start();
      const built = await producer.publish({
        schema: UsageRecordedSchema,
        payload: {
          requestId: 'req-9',
          keyId: 'k-1',
          serviceId: 's-1',
          model: 'qwen',
          promptTokens: 5,
          completionTokens: 7,
          totalTokens: 12,
        },
        accountId: 'acc-1',
        projectId: 'proj-1',
        aggregateType: 'request',
        aggregateId: 'req-9',
      });
      await eventually(
        async () => {
          const effects = (await world.effects()).filter((e) => e.aggregateId === 'req-9');
          expect(effects).toEqual([
            { aggregateId: 'req-9', seq: 12, eventId: built.envelope.eventId },
          ]);
          return effects;
        },
        { timeoutMs: 30_000 },
      );
    } finally {
      await ledger.stop();
      await producer.disconnect();
    }
  });
});
