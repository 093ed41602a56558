// Usage on the real stack: the gateway's recorder publishing maas.usage.v1 and the real
// quotas service counting the ledger from it — N records are exactly N UsageRecorded with
// their tokens and N ledger requests; with Kafka stopped in the middle, every record arrives
// once it is back and none is counted twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@maas/testing';
import { newTenant, stack, sumsOf, type Sums, usageRecord, UsageWorld } from './usage-harness.js';
import { type UsageRecord } from '../src/usage/index.js';

const world = new UsageWorld();
let kafkaStopped = false;

beforeAll(async () => {
  await world.open();
  await world.startQuotas();
}, 180_000);

afterAll(async () => {
  // Whatever happened, leave the shared stack's Kafka running.
  if (kafkaStopped) await stack('up', 'kafka');
  await world.close();
}, 180_000);

const topicSums = (events: ReturnType<typeof world.eventsOf>): Sums => ({
  requests: events.length,
  failed: events.filter((e) => e.payload.status >= 400).length,
  prompt: events.reduce((n, e) => n + e.payload.promptTokens, 0),
  completion: events.reduce((n, e) => n + e.payload.completionTokens, 0),
  total: events.reduce((n, e) => n + e.payload.totalTokens, 0),
});

const settledLedger = (tenant: ReturnType<typeof newTenant>, requests: number) =>
  world.settled(tenant, requests);

describe('usage → maas.usage.v1 → quotas ledger', () => {
  it('publishes N records as exactly N UsageRecorded with their tokens, counted as N ledger requests', async () => {
    const tenant = newTenant();
    // Kafka is up: no send should count as stalled on this busy machine (a stalled send's
    // records are spilled and sent again: duplicates, which this test would see).
    const recorder = world.recorder({ sendStallMs: 30_000 });
    await recorder.start();
    const records: UsageRecord[] = [];
    for (let i = 0; i < 300; i++) {
      const r = usageRecord(tenant, i);
      records.push(r);
      recorder.record(r);
    }
    const expected = sumsOf(records);
    expect(expected.failed).toBe(30);

    await eventually(() => world.eventsOf(tenant).length >= 300, {
      timeoutMs: 30_000,
      description: '300 events on the topic',
    });
    const events = world.eventsOf(tenant);
    // Kafka was up all along: each record exactly once.
    expect(events).toHaveLength(300);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(300);
    expect(topicSums(events)).toEqual(expected);
    const byRequest = new Map(events.map((e) => [e.aggregateId, e]));
    for (const r of records) {
      const e = byRequest.get(r.requestId);
      expect(e, r.requestId).toBeDefined();
      expect(e).toMatchObject({
        aggregateType: 'request',
        projectId: r.projectId,
        occurredAt: r.finishedAt,
        payload: { keyId: r.keyId, status: r.status, stream: r.stream, latencyMs: r.latencyMs },
      });
    }

    expect(await settledLedger(tenant, 300)).toEqual(expected);
    expect(recorder.stats()).toMatchObject({ sent: 300, spilled: 0, dropped: 0, buffered: 0 });
  }, 180_000);

  it('with Kafka stopped while recording, delivers every record once it is back; the ledger counts each once', async () => {
    const tenant = newTenant();
    const recorder = world.recorder({ sendStallMs: 300 });
    await recorder.start();
    const records: UsageRecord[] = [];
    const record = (i: number) => {
      const r = usageRecord(tenant, i);
      records.push(r);
      recorder.record(r);
    };
    for (let i = 0; i < 50; i++) record(i);
    await eventually(() => world.eventsOf(tenant).length >= 50, { timeoutMs: 30_000 });

    kafkaStopped = true;
    try {
      await stack('down', 'kafka');
      for (let i = 50; i < 150; i++) record(i);
      // Kafka cannot take them: they go to the spill on disk.
      await eventually(() => recorder.stats().spillRecords >= 100, {
        timeoutMs: 60_000,
        description: 'the records spilled during the outage',
      });
      for (let i = 150; i < 200; i++) record(i);
      await eventually(() => recorder.stats().spillRecords >= 150, { timeoutMs: 60_000 });
    } finally {
      await stack('up', 'kafka');
      kafkaStopped = false;
    }

    await eventually(() => recorder.stats().spillRecords === 0 && recorder.stats().buffered === 0, {
      timeoutMs: 120_000,
      intervalMs: 250,
      description: 'the spill replayed after Kafka returned',
    });
    const expected = sumsOf(records);
    await eventually(() => new Set(world.eventsOf(tenant).map((e) => e.eventId)).size === 200, {
      timeoutMs: 60_000,
      description: 'all 200 events on the topic',
    });
    // A send that failed after reaching the broker may have been re-sent: the topic may hold
    // a record twice, always with the same event id, so the ledger counts it once.
    const events = world.eventsOf(tenant);
    const unique = [...new Map(events.map((e) => [e.eventId, e])).values()];
    expect(topicSums(unique)).toEqual(expected);
    expect(new Set(unique.map((e) => e.aggregateId))).toEqual(
      new Set(records.map((r) => r.requestId)),
    );

    expect(await settledLedger(tenant, 200)).toEqual(expected);
    expect(recorder.stats().dropped).toBe(0);
  }, 300_000);
});
