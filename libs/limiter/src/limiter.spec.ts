import { type Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { LimitErrorCode } from './error-codes.js';
import { formatResetDuration, rateLimitHeaders } from './headers.js';
import { type LimitDecision, RateLimiter, type RuleOutcome } from './rate-limiter.js';
import { admissionRules, limitErrorOf, RequestLimiter } from './request-limiter.js';

/** A Redis stand-in whose limiter commands answer as told (the scripts run in int tests). */
function fakeRedis(check: (...args: (string | number)[]) => Promise<number[]>): Redis {
  return {
    maasLimitCheck: check,
    maasLimitSettle: () => Promise.reject(new Error('connect ECONNREFUSED')),
  } as unknown as Redis;
}

const down = fakeRedis(() => Promise.reject(new Error('connect ECONNREFUSED')));

function outcome(name: string, limit: number, used: number, resetInMs: number): RuleOutcome {
  return {
    key: name,
    name,
    limit,
    windowMs: 60_000,
    cost: 1,
    used,
    remaining: Math.max(0, limit - used),
    windowStart: 0,
    resetAt: resetInMs,
    resetInMs,
  };
}

describe('admissionRules', () => {
  it('builds one rule per configured limit; TPM reserves the maximum tokens', () => {
    const rules = admissionRules({
      keyId: 'k1',
      model: 'DeepSeek-R1',
      serviceId: 's1',
      key: { rpm: 600, tpm: 100_000 },
      keyModel: { rpm: 60 },
      serviceQps: 10,
      maxTokens: 4_096,
    });
    expect(rules.map((r) => [r.name, r.key, r.limit, r.windowMs, r.cost])).toEqual([
      ['qps', 'svc:{s1}:qps', 10, 1_000, 1],
      ['rpm', 'key:{k1}:rpm', 600, 60_000, 1],
      ['model_rpm', 'key:{k1}:m:DeepSeek-R1:rpm', 60, 60_000, 1],
      ['tpm', 'key:{k1}:tpm', 100_000, 60_000, 4_096],
    ]);
  });

  it('leaves out limits of 0 and absent ones', () => {
    const rules = admissionRules({
      keyId: 'k',
      model: 'm',
      serviceId: 's',
      key: { rpm: 0 },
      maxTokens: 1,
    });
    expect(rules).toEqual([]);
  });
});

describe('Table 4-19 answers', () => {
  it('maps the refusing rule to 81101, 81103 or 4206 with the seed’s messages', () => {
    expect(limitErrorOf(outcome('rpm', 600, 600, 1))).toEqual({
      status: 429,
      code: 'ModelArts.81101',
      message: 'Too many requests, exceeded rate limit is 600 times per minute.',
    });
    expect(limitErrorOf(outcome('model_tpm', 5_000, 4_999, 1))).toEqual({
      status: 429,
      code: 'ModelArts.81103',
      message: 'Too many requests. exceeded rate limit is 5000 tokens per minute.',
    });
    expect(limitErrorOf(outcome('qps', 5, 5, 1)).code).toBe(LimitErrorCode.QpsExceeded);
  });
});

describe('rateLimitHeaders', () => {
  it('reports the tightest request and token rules, and Retry-After when refused', () => {
    const rpm = outcome('rpm', 600, 599, 12_345);
    const modelRpm = outcome('model_rpm', 60, 60, 12_345);
    const tpm = outcome('tpm', 10_000, 2_500, 59_001);
    const decision: LimitDecision = {
      allowed: false,
      reason: 'limit',
      now: 0,
      outcomes: [rpm, modelRpm, tpm],
      denied: modelRpm,
      retryAfterMs: 12_345,
      reservations: [],
    };
    expect(rateLimitHeaders(decision)).toEqual({
      'x-ratelimit-limit-requests': '60',
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': '12.345s',
      'x-ratelimit-limit-tokens': '10000',
      'x-ratelimit-remaining-tokens': '7500',
      'x-ratelimit-reset-tokens': '59.001s',
      'retry-after': '13',
      'retry-after-ms': '12345',
    });
  });

  it('formats durations the way OpenAI does', () => {
    expect(formatResetDuration(250)).toBe('250ms');
    expect(formatResetDuration(1_000)).toBe('1s');
    expect(formatResetDuration(60_000)).toBe('1m0s');
    expect(formatResetDuration(61_500)).toBe('1m1.5s');
    expect(formatResetDuration(-5)).toBe('0ms');
  });
});

describe('RateLimiter when Redis cannot answer', () => {
  const rules = [{ key: 'k', limit: 1, windowMs: 60_000, cost: 1, name: 'rpm' }];

  it('fails open by default: admits, flagged unavailable, reports the error', async () => {
    const errors: string[] = [];
    const limiter = new RateLimiter({ redis: down, onError: (e) => errors.push(e.message) });
    const decision = await limiter.check(rules);
    expect(decision).toMatchObject({ allowed: true, reason: 'unavailable', outcomes: [] });
    expect(errors).toEqual(['connect ECONNREFUSED']);
    expect(rateLimitHeaders(decision)).toEqual({});
  });

  it('fails closed when configured: refuses, without a limit answer', async () => {
    const limiter = new RequestLimiter(new RateLimiter({ redis: down, failureMode: 'closed' }));
    const admission = await limiter.admit({
      keyId: 'k',
      model: 'm',
      serviceId: 's',
      key: { rpm: 5 },
      maxTokens: 1,
    });
    expect(admission).toMatchObject({ allowed: false, degraded: true, reservations: [] });
    expect(admission.error).toBeUndefined();
  });

  it('reports a settle it could not apply instead of throwing', async () => {
    const limiter = new RateLimiter({ redis: down });
    const result = await limiter.settle({ key: 'k', windowStart: 0, cost: 10 }, 3);
    expect(result).toEqual({ applied: false, error: 'connect ECONNREFUSED' });
  });
});

describe('RateLimiter decisions', () => {
  it('turns the script’s reply into outcomes, the refusing rule and the retry delay', async () => {
    // denied by rule 2; now = 90_000; rule 1 used 3 of window 60_000; rule 2 used 10 of window 60_000
    const redis = fakeRedis(() => Promise.resolve([2, 90_000, 3, 60_000, 10, 60_000]));
    const limiter = new RateLimiter({ redis });
    const decision = await limiter.check([
      { key: 'a', limit: 5, windowMs: 60_000, cost: 1, name: 'rpm' },
      { key: 'b', limit: 10, windowMs: 60_000, cost: 2, name: 'tpm' },
    ]);
    expect(decision).toMatchObject({ allowed: false, reason: 'limit', retryAfterMs: 30_000 });
    expect(decision.denied).toMatchObject({
      name: 'tpm',
      used: 10,
      remaining: 0,
      resetAt: 120_000,
    });
    expect(decision.outcomes[0]).toMatchObject({ name: 'rpm', remaining: 2, resetInMs: 30_000 });
  });

  it('asks Redis nothing when no rule has a limit, and refuses malformed rules', async () => {
    const limiter = new RateLimiter({ redis: down });
    expect(await limiter.check([{ key: 'a', limit: 0, windowMs: 1_000, cost: 1 }])).toMatchObject({
      allowed: true,
      outcomes: [],
    });
    await expect(limiter.check([{ key: 'a', limit: 5, windowMs: 0, cost: 1 }])).rejects.toThrow(
      /windowMs/,
    );
    await expect(limiter.check([{ key: 'a', limit: 5, windowMs: 10, cost: -1 }])).rejects.toThrow(
      /cost/,
    );
  });
});
