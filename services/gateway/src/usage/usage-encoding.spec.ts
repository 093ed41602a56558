import { describe, expect, it } from 'vitest';
import { parseEvent } from '@maas/events';
import { encodeUsageEnvelope } from './usage-encoding.js';
import { pendingUsage, type UsageRecord, usageEvent } from './usage-record.js';

const base: UsageRecord = {
  requestId: 'b2c6a1d8-1a4e-4f55-9a0e-5c1f0e2d3a4b',
  accountId: '6f1c5b1e-2d1e-4c53-9a57-0c2a8e0f9f10',
  projectId: '0b7e5c1a-8d9f-4e2b-a1c3-d4e5f6a7b8c9',
  keyId: 'key-1',
  serviceId: 'svc-1',
  model: 'DeepSeek-R1',
  promptTokens: 123,
  completionTokens: 4_567,
  totalTokens: 4_690,
  presetService: true,
  status: 200,
  latencyMs: 1_234,
  stream: true,
  finishedAt: new Date('2026-03-01T10:00:00.123Z'),
};

describe('encodeUsageEnvelope', () => {
  it.each<[string, Partial<UsageRecord>]>([
    ['every field set', {}],
    [
      'defaults left out (IAM token, no tokens, not preset, not streamed)',
      {
        keyId: '',
        promptTokens: 0,
        completionTokens: 0,
        totalTokens: 0,
        presetService: false,
        stream: false,
        status: 429,
        latencyMs: 0,
      },
    ],
    [
      'no project, a whole second, large counts',
      {
        projectId: '',
        finishedAt: new Date('2026-03-01T10:00:00.000Z'),
        promptTokens: 2 ** 31,
        totalTokens: 2 ** 32 - 1,
        status: 599,
      },
    ],
    [
      'non-ASCII names, clamped counts',
      {
        model: 'модель-模型',
        serviceId: 'ß',
        promptTokens: -5,
        completionTokens: 1.7,
        totalTokens: 2 ** 40,
        latencyMs: Number.NaN,
      },
    ],
  ])('writes the bytes buildEvent writes: %s', (_, over) => {
    const pending = pendingUsage({ ...base, ...over });
    const fast = encodeUsageEnvelope(pending);
    expect(Buffer.from(fast)).toEqual(Buffer.from(usageEvent(pending).bytes));
    expect(parseEvent(fast).eventId).toBe(pending.eventId);
  });

  it('refuses a record without an account or a request id', () => {
    expect(() => encodeUsageEnvelope(pendingUsage({ ...base, accountId: '' }))).toThrow(
      /accountId/,
    );
    expect(() => encodeUsageEnvelope(pendingUsage({ ...base, requestId: '' }))).toThrow(
      /aggregateId/,
    );
    expect(() =>
      encodeUsageEnvelope(pendingUsage({ ...base, finishedAt: new Date(Number.NaN) })),
    ).toThrow(/finishedAt/);
  });
});
