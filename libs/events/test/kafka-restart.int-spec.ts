import { eventually } from '@maas/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthorizationGrantedSchema,
  createOutboxRelay,
  EventConsumer,
  OutboxWriter,
  type OutboxRelay,
} from '../src/index.js';
import { stack, World } from './harness.js';

const AGGREGATES = ['auth-a', 'auth-b', 'auth-c'];
const PER_AGGREGATE = 20;

const world = new World();
let writer: OutboxWriter;
let relay: OutboxRelay;
let consumer: EventConsumer;
let kafkaStopped = false;

beforeAll(async () => {
  await world.open();
  writer = new OutboxWriter({ schema: world.schema, topicPrefix: world.prefix });
  relay = createOutboxRelay({
    dataSource: world.dataSource,
    schema: world.schema,
    kafka: world.kafka,
    batchSize: 7, // several batches, so order must hold across batches too
    pollIntervalMs: 500,
    backoff: { minMs: 200, maxMs: 2_000 },
    logger: world.logger,
  });
  consumer = new EventConsumer({
    kafka: world.kafka,
    dataSource: world.dataSource,
    schema: world.schema,
    name: 'authz-projection',
    topicPrefix: world.prefix,
    logger: world.logger,
  }).on(AuthorizationGrantedSchema, async (event, manager) => {
    await manager.query(
      `INSERT INTO "${world.schema}".effect (event_id, aggregate_id, seq) VALUES ($1, $2, $3)`,
      [event.eventId, event.aggregateId, Number(event.payload.agencyName.split('_').at(-1))],
    );
  });
  world.groups.push(consumer.groupId);
  await relay.start();
  await consumer.start();
});

afterAll(async () => {
  // Whatever happened, leave the shared stack's Kafka running.
  if (kafkaStopped) await stack('up', 'kafka');
  await consumer?.stop();
  await relay?.stop();
  await world.close();
}, 180_000);

describe('Kafka restart', () => {
  it('delivers every event written while Kafka was down, in per-aggregate order', async () => {
    kafkaStopped = true;
    await stack('down', 'kafka');

    // 60 events, interleaved across aggregates, each with its state change in its own transaction.
    for (let seq = 0; seq < PER_AGGREGATE; seq++) {
      for (const aggregate of AGGREGATES) {
        await world.dataSource.transaction(async (manager) => {
          await manager.query(`INSERT INTO "${world.schema}".thing (id, seq) VALUES ($1, $2)`, [
            aggregate,
            seq,
          ]);
          await writer.append(manager, {
            schema: AuthorizationGrantedSchema,
            payload: {
              authorizationId: aggregate,
              accountId: 'acc-1',
              agencyName: `ma_agency_${seq}`,
            },
            accountId: 'acc-1',
            projectId: 'proj-1',
            aggregateType: 'authorization',
            aggregateId: aggregate,
          });
        });
      }
    }
    // The relay tries, fails and keeps everything pending.
    await eventually(async () => (await relay.stats()).consecutiveFailures > 0, {
      timeoutMs: 60_000,
    });
    expect(await world.count('outbox', 'sent_at IS NULL')).toBe(AGGREGATES.length * PER_AGGREGATE);
    expect(await world.count('outbox', 'last_error IS NOT NULL')).toBeGreaterThan(0);

    await stack('up', 'kafka');
    kafkaStopped = false;

    await eventually(
      async () => (await world.effects()).length === AGGREGATES.length * PER_AGGREGATE,
      {
        timeoutMs: 120_000,
        intervalMs: 250,
        description: 'all events to be handled after the restart',
      },
    );
    const effects = await world.effects();
    for (const aggregate of AGGREGATES) {
      const seqs = effects.filter((e) => e.aggregateId === aggregate).map((e) => e.seq);
      expect(seqs, aggregate).toEqual(Array.from({ length: PER_AGGREGATE }, (_, i) => i));
    }
    expect(new Set(effects.map((e) => e.eventId)).size).toBe(effects.length);
    expect(await relay.stats()).toMatchObject({ pending: 0, consecutiveFailures: 0 });
  }, 240_000);
});
