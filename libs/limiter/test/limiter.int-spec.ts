// The limiter against the stack's real Redis: exact admission from two processes at once,
// TPM reserve-and-settle, and what happens when Redis restarts.
import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, loadStackEnv, repoRoot, uniqueName } from '@maas/testing';
import {
  createLimiterRedis,
  type LimitDecision,
  type LimitRule,
  RateLimiter,
} from '../src/index.js';

const stack = loadStackEnv();
const prefix = `${uniqueName('rl')}:`;
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

let redis: Redis;
let limiter: RateLimiter;

beforeAll(async () => {
  redis = await createLimiterRedis(stack.REDIS_URL, 5_000);
  limiter = new RateLimiter({ redis, keyPrefix: prefix });
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`).catch(() => []);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

/** Redis's clock (what the windows follow), in ms. */
async function redisNow(): Promise<number> {
  const [s, us] = await redis.time();
  return Number(s) * 1_000 + Math.floor(Number(us) / 1_000);
}

/** Waits until at least `marginMs` remain in the current window, so a burst fits in one. */
async function awayFromWindowEnd(windowMs: number, marginMs: number): Promise<void> {
  await eventually(async () => windowMs - ((await redisNow()) % windowMs) > marginMs, {
    timeoutMs: marginMs + 5_000,
    intervalMs: 100,
    description: 'a window with room for the burst',
  });
}

interface ChildResult {
  admitted: number;
  denied: number;
  unavailable: number;
  windows: number[];
}

/** A second limiter process, started and connected, waiting for `go`. */
async function startChild(job: {
  rules: LimitRule[];
  count: number;
  settleWith?: number;
}): Promise<{ go: () => Promise<ChildResult>; child: ChildProcessWithoutNullStreams }> {
  const child = spawn(
    process.execPath,
    ['--import', fixture('ts-source-hooks.ts'), fixture('limiter-child.ts')],
    { cwd: repoRoot, stdio: 'pipe' },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const nextJson = async <T>(): Promise<T> => {
    const line = await lines.next();
    if (line.done) throw new Error(`child exited: ${stderr}`);
    return JSON.parse(String(line.value)) as T;
  };
  child.stdin.write(
    `${JSON.stringify({ redisUrl: stack.REDIS_URL, keyPrefix: prefix, ...job })}\n`,
  );
  await nextJson<{ ready: true }>();
  return {
    child,
    go: () => {
      child.stdin.write('go\n');
      return nextJson<ChildResult>();
    },
  };
}

function summarize(decisions: LimitDecision[]): ChildResult {
  const admitted = decisions.filter((d) => d.allowed);
  return {
    admitted: admitted.length,
    denied: decisions.length - admitted.length,
    unavailable: decisions.filter((d) => d.reason === 'unavailable').length,
    windows: [...new Set(admitted.flatMap((d) => d.outcomes.map((o) => o.windowStart)))],
  };
}

describe('exact across processes', () => {
  it('RPM 600: 1,000 concurrent requests from two processes admit exactly 600', async () => {
    const rules: LimitRule[] = [
      { name: 'rpm', key: 'key:{burst}:rpm', limit: 600, windowMs: 60_000, cost: 1 },
    ];
    const other = await startChild({ rules, count: 500 });
    await awayFromWindowEnd(60_000, 10_000);
    const [theirs, ours] = await Promise.all([
      other.go(),
      Promise.all(Array.from({ length: 500 }, () => limiter.check(rules))).then(summarize),
    ]);
    expect(theirs.unavailable + ours.unavailable).toBe(0);
    expect(theirs.admitted + ours.admitted).toBe(600);
    expect(theirs.denied + ours.denied).toBe(400);
    // Both processes counted into the same window, and each admitted a real share.
    expect(new Set([...theirs.windows, ...ours.windows]).size).toBe(1);
    expect(Math.min(theirs.admitted, ours.admitted)).toBeGreaterThan(0);
    expect(await redis.hget(`${prefix}key:{burst}:rpm`, 'n')).toBe('600');
  });

  it('TPM: concurrent reservations from two processes never overshoot the limit', async () => {
    // 20,000 tokens per minute; 80 requests at once each reserve their maximum of 1,000.
    const rules: LimitRule[] = [
      { name: 'tpm', key: 'key:{tpm2}:tpm', limit: 20_000, windowMs: 60_000, cost: 1_000 },
    ];
    const other = await startChild({ rules, count: 40 });
    await awayFromWindowEnd(60_000, 10_000);
    const [theirs, ours] = await Promise.all([
      other.go(),
      Promise.all(Array.from({ length: 40 }, () => limiter.check(rules))).then(summarize),
    ]);
    expect(theirs.admitted + ours.admitted).toBe(20);
    expect(await redis.hget(`${prefix}key:{tpm2}:tpm`, 'n')).toBe('20000');
  });
});

describe('TPM reserve and settle', () => {
  it('reserves the maximum, refunds the unused, charges the extra, within the window', async () => {
    await awayFromWindowEnd(60_000, 5_000);
    const tpm = (cost: number): LimitRule[] => [
      { name: 'tpm', key: 'key:{settle}:tpm', limit: 10_000, windowMs: 60_000, cost },
    ];
    const a = await limiter.check(tpm(4_000));
    const b = await limiter.check(tpm(4_000));
    expect([a.allowed, b.allowed]).toEqual([true, true]);
    const c = await limiter.check(tpm(4_000)); // 12,000 > 10,000: refused, nothing charged
    expect(c).toMatchObject({ allowed: false, reason: 'limit' });
    expect(c.denied).toMatchObject({ used: 8_000, remaining: 2_000 });

    expect(await limiter.settle(a.reservations[0], 1_000)).toEqual({ applied: true, used: 5_000 });
    const d = await limiter.check(tpm(4_000)); // now fits: 9,000
    expect(d.allowed).toBe(true);
    expect(d.outcomes[0]).toMatchObject({ used: 9_000, remaining: 1_000 });
    expect(await limiter.settle(d.reservations[0], 4_500)).toEqual({ applied: true, used: 9_500 });
    expect((await limiter.check(tpm(600))).allowed).toBe(false);
    expect((await limiter.check(tpm(500))).allowed).toBe(true);
    // A refund never takes the counter below zero.
    expect(await limiter.settle({ ...b.reservations[0], cost: 50_000 }, 0)).toEqual({
      applied: true,
      used: 0,
    });
  });

  it('leaves a passed window alone: the reservation counted where it was made', async () => {
    const rule: LimitRule[] = [
      { name: 'tpm', key: 'key:{late}:tpm', limit: 100, windowMs: 1_000, cost: 60 },
    ];
    await awayFromWindowEnd(1_000, 300);
    const first = await limiter.check(rule);
    expect(first.allowed).toBe(true);
    await eventually(
      async () =>
        (await limiter.check(rule)).outcomes[0].windowStart > first.outcomes[0].windowStart,
      {
        timeoutMs: 3_000,
      },
    );
    expect(await limiter.settle(first.reservations[0], 10)).toEqual({ applied: false });
  });

  it('reports remaining and reset for the x-ratelimit-* headers', async () => {
    await awayFromWindowEnd(1_000, 300);
    const rules: LimitRule[] = [
      { name: 'qps', key: 'svc:{hdr}:qps', limit: 2, windowMs: 1_000, cost: 1 },
    ];
    const one = await limiter.check(rules);
    const two = await limiter.check(rules);
    const three = await limiter.check(rules);
    expect(one.outcomes[0]).toMatchObject({ used: 1, remaining: 1 });
    expect(two.outcomes[0]).toMatchObject({ used: 2, remaining: 0 });
    expect(three).toMatchObject({ allowed: false, reason: 'limit' });
    expect(three.retryAfterMs).toBeGreaterThan(0);
    expect(three.retryAfterMs).toBeLessThanOrEqual(1_000);
    expect(three.denied!.resetAt - three.denied!.windowStart).toBe(1_000);
  });
});

describe('Redis restart', () => {
  const stackCommand = (...args: string[]) =>
    execFileSync('bash', ['deploy/local/stack.sh', ...args], {
      cwd: repoRoot,
      stdio: 'pipe',
      timeout: 60_000,
    });

  afterAll(() => {
    // Whatever happened, leave Redis running for everyone else.
    stackCommand('up', 'redis');
  });

  it('fails open (default) or closed while Redis is down; counters start from zero after', async () => {
    const rules: LimitRule[] = [
      { name: 'rpm', key: 'key:{restart}:rpm', limit: 5, windowMs: 60_000, cost: 1 },
    ];
    const closed = new RateLimiter({ redis, keyPrefix: prefix, failureMode: 'closed' });
    await awayFromWindowEnd(60_000, 20_000);
    for (let i = 0; i < 5; i++) expect((await limiter.check(rules)).allowed).toBe(true);
    expect(await limiter.check(rules)).toMatchObject({ allowed: false, reason: 'limit' });

    stackCommand('down', 'redis');
    const open = await limiter.check(rules);
    expect(open).toMatchObject({ allowed: true, reason: 'unavailable' });
    expect(await closed.check(rules)).toMatchObject({ allowed: false, reason: 'unavailable' });

    stackCommand('up', 'redis');
    // The client reconnects by itself; the first answered check finds the counter gone
    // (Redis keeps no data across restarts here) and the script cache empty (EVAL fallback).
    const after = await eventually(
      async () => {
        const d = await limiter.check(rules);
        return d.reason === 'unavailable' ? false : d;
      },
      { timeoutMs: 20_000, intervalMs: 100, description: 'the limiter to reach Redis again' },
    );
    expect(after).toMatchObject({ allowed: true });
    expect(after.outcomes[0]).toMatchObject({ used: 1, remaining: 4 });
  });
});
