import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { buildEvent, UsageRecordedSchema } from '@maas/events';
import { aggregateUsage, decodeUsage, type UsageEvent } from './usage-aggregation.js';

const account = '6f1c5b1e-2d1e-4c53-9a57-0c2a8e0f9f10';

function usage(at: string, over: Partial<UsageEvent> = {}): UsageEvent {
  return {
    eventId: crypto.randomUUID(),
    accountId: account,
    projectId: 'p1',
    keyId: 'k1',
    serviceId: 's1',
    model: 'DeepSeek-R1',
    promptTokens: 10,
    completionTokens: 5,
    totalTokens: 15,
    presetService: false,
    status: 200,
    occurredAt: new Date(at),
    ...over,
  };
}

describe('aggregateUsage', () => {
  it('sums per minute and per UTC day and per key, service and model', () => {
    const { minutes, days, free } = aggregateUsage([
      usage('2026-03-01T23:59:10Z'),
      usage('2026-03-01T23:59:50Z'),
      usage('2026-03-02T00:00:01Z'),
      usage('2026-03-02T00:00:02Z', { keyId: 'k2', totalTokens: 100 }),
    ]);
    expect(minutes.map((m) => [m.bucket, m.keyId, m.requests, m.totalTokens])).toEqual([
      ['2026-03-01T23:59:00.000Z', 'k1', 2, 30],
      ['2026-03-02T00:00:00.000Z', 'k1', 1, 15],
      ['2026-03-02T00:00:00.000Z', 'k2', 1, 100],
    ]);
    expect(days.map((d) => [d.bucket, d.keyId, d.requests, d.promptTokens])).toEqual([
      ['2026-03-01', 'k1', 2, 20],
      ['2026-03-02', 'k1', 1, 10],
      ['2026-03-02', 'k2', 1, 10],
    ]);
    expect(free).toEqual([]);
  });

  it('counts free tokens of preset services per project and model', () => {
    const { free } = aggregateUsage([
      usage('2026-03-01T10:00:00Z', { presetService: true, totalTokens: 7 }),
      usage('2026-03-01T10:00:01Z', { presetService: true, totalTokens: 3 }),
      usage('2026-03-01T10:00:02Z', { presetService: true, projectId: 'p2', totalTokens: 1 }),
      usage('2026-03-01T10:00:03Z', { presetService: false, totalTokens: 1_000 }),
    ]);
    expect(free).toEqual([
      { accountId: account, projectId: 'p1', model: 'DeepSeek-R1', tokens: 10 },
      { accountId: account, projectId: 'p2', model: 'DeepSeek-R1', tokens: 1 },
    ]);
  });

  it('counts failed requests (status >= 400) as requests and as failed requests, with their tokens', () => {
    const { minutes, days } = aggregateUsage([
      usage('2026-03-01T10:00:01Z'),
      usage('2026-03-01T10:00:02Z', {
        status: 429,
        promptTokens: 0,
        completionTokens: 0,
        totalTokens: 0,
      }),
      usage('2026-03-01T10:00:03Z', { status: 502, completionTokens: 0, totalTokens: 10 }),
      usage('2026-03-01T10:00:04Z', { status: 0 }), // published before statuses: a success
    ]);
    expect(
      minutes.map((m) => [m.requests, m.failedRequests, m.promptTokens, m.totalTokens]),
    ).toEqual([[4, 2, 30, 40]]);
    expect(days.map((d) => [d.requests, d.failedRequests])).toEqual([[4, 2]]);
  });
});

describe('decodeUsage', () => {
  it('decodes a UsageRecorded envelope and refuses the rest', () => {
    const built = buildEvent({
      schema: UsageRecordedSchema,
      payload: create(UsageRecordedSchema, {
        keyId: 'k',
        model: 'm',
        totalTokens: 9,
        presetService: true,
        status: 503,
        latencyMs: 7,
        stream: true,
      }),
      accountId: account,
      projectId: 'p',
      aggregateType: 'request',
      aggregateId: 'r1',
      occurredAt: new Date('2026-03-01T00:00:00Z'),
    });
    const decoded = decodeUsage(Buffer.from(built.bytes));
    expect(decoded).toMatchObject({
      ok: true,
      event: { keyId: 'k', totalTokens: 9, presetService: true, projectId: 'p', status: 503 },
    });
    expect(decodeUsage(Buffer.from('garbage'))).toMatchObject({ ok: false, reason: 'malformed' });
    expect(decodeUsage(null)).toEqual({ ok: false, reason: 'other_type' });
  });
});
