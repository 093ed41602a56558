// Limiter benchmark: checks per second from one process, and the latency a check adds,
// next to a plain Redis round trip (PING, INCR) measured in the same run against the same
// Redis. Run: npm run bench:limiter (the local stack's Redis, or REDIS_URL).
//
// Bounded: a fixed number of operations per phase (a few seconds each), 127.0.0.1 only.
import { readFileSync } from 'node:fs';
import { hostname, cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import {
  type AdmissionRequest,
  createLimiterRedis,
  RateLimiter,
  RequestLimiter,
  type LimitRule,
} from '@maas/limiter';

const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 5_000);
const THROUGHPUT = Number(process.env.BENCH_THROUGHPUT ?? 50_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const ROUNDS = 10;

function redisUrl(): string {
  if (process.env.REDIS_URL) return process.env.REDIS_URL;
  const file = new URL('../.state/stack/stack.env', import.meta.url);
  const match = /^export REDIS_URL=(.+)$/m.exec(readFileSync(file, 'utf8'));
  if (!match)
    throw new Error(
      'no REDIS_URL: start the stack (bash deploy/local/stack.sh up) or set REDIS_URL',
    );
  return match[1].trim();
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

interface Latency {
  p50: number;
  p99: number;
  mean: number;
}

/**
 * One operation at a time: the latency of each (µs). The operations are measured in
 * interleaved rounds (a slice of each, ROUNDS times), so a burst of load from anything else
 * on the machine hits the reference and the limiter alike.
 */
async function latencies<K extends string>(
  ops: Record<K, () => Promise<unknown>>,
  n = SEQUENTIAL,
): Promise<Record<K, Latency>> {
  const names = Object.keys(ops) as K[];
  const samples = Object.fromEntries(names.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (const k of names) for (let i = 0; i < 200; i++) await ops[k](); // warm-up: connections, script cache, JIT
  const slice = Math.ceil(n / ROUNDS);
  for (let round = 0; round < ROUNDS; round++) {
    for (const k of names) {
      for (let i = 0; i < slice; i++) {
        const t0 = performance.now();
        await ops[k]();
        samples[k].push((performance.now() - t0) * 1_000);
      }
    }
  }
  const out = {} as Record<K, Latency>;
  for (const k of names) {
    const sorted = samples[k].sort((a, b) => a - b);
    out[k] = {
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
    };
  }
  return out;
}

/** `CONCURRENCY` operations in flight until `n` are done: operations per second. */
async function throughput(op: () => Promise<unknown>, n = THROUGHPUT): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < n) await op();
    }),
  );
  return n / ((performance.now() - t0) / 1_000);
}

const fmt = (us: number) => `${us.toFixed(0)} µs`;

async function main(): Promise<void> {
  const url = redisUrl();
  const plain = new Redis(url);
  const limiterRedis = await createLimiterRedis(url, 2_000);
  const prefix = `bench:${process.pid}:`;
  const limiter = new RateLimiter({
    redis: limiterRedis,
    keyPrefix: prefix,
    failureMode: 'closed',
  });
  const huge = 1_000_000_000;
  // What the gateway checks per call: service QPS, key RPM and TPM (reserving 4,096 tokens),
  // through RequestLimiter (rules, the atomic check, the x-ratelimit-* headers).
  const gateway = new RequestLimiter(limiter);
  const call: AdmissionRequest = {
    keyId: 'bench-key',
    model: 'bench-model',
    serviceId: 'bench-svc',
    key: { rpm: huge, tpm: huge },
    serviceQps: huge,
    maxTokens: 4_096,
  };
  const admit = async () => {
    const a = await gateway.admit(call);
    if (!a.allowed)
      throw new Error(
        `benchmark call refused: ${a.decision.reason ?? ''} ${a.decision.error ?? ''}`,
      );
    return a;
  };
  const oneRule: LimitRule[] = [
    { name: 'rpm', key: 'key:{one}:rpm', limit: huge, windowMs: 60_000, cost: 1 },
  ];
  const check = async () => {
    const d = await limiter.check(oneRule);
    if (!d.allowed) throw new Error(`benchmark check refused: ${d.reason ?? ''} ${d.error ?? ''}`);
  };
  let counter = 0;
  const incr = () => plain.incr(`${prefix}incr`);
  const admitAndSettle = async () => gateway.settle(await admit(), 1_000 + (counter++ % 100));

  const results = await latencies({
    ping: () => plain.ping(),
    incr,
    check1: check,
    check3: admit,
    checkSettle: admitAndSettle,
  });
  const rates = {
    ping: await throughput(() => plain.ping()),
    incr: await throughput(incr),
    check3: await throughput(admit),
  };

  const keys = await plain.keys(`${prefix}*`);
  if (keys.length > 0) await plain.del(...keys);
  plain.disconnect();
  limiterRedis.disconnect();

  const added = results.check3.p50 - results.ping.p50;
  const lines = [
    `limiter benchmark — ${new Date().toISOString()} — ${hostname()} (${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}), Node ${process.version}, Redis ${url.replace(/\/\/[^@]*@/, '//')}`,
    `latency: ${SEQUENTIAL} operations of each kind one at a time, in ${ROUNDS} interleaved rounds; throughput: ${THROUGHPUT} operations, ${CONCURRENCY} in flight, one process`,
    '',
    '| operation | p50 | p99 | mean | ops/s (concurrent) |',
    '|---|---|---|---|---|',
    `| reference: PING | ${fmt(results.ping.p50)} | ${fmt(results.ping.p99)} | ${fmt(results.ping.mean)} | ${rates.ping.toFixed(0)} |`,
    `| reference: INCR | ${fmt(results.incr.p50)} | ${fmt(results.incr.p99)} | ${fmt(results.incr.mean)} | ${rates.incr.toFixed(0)} |`,
    `| limiter check, 1 rule (RPM) | ${fmt(results.check1.p50)} | ${fmt(results.check1.p99)} | ${fmt(results.check1.mean)} | |`,
    `| gateway admission (QPS + RPM + TPM reserve, 1 script) | ${fmt(results.check3.p50)} | ${fmt(results.check3.p99)} | ${fmt(results.check3.mean)} | ${rates.check3.toFixed(0)} |`,
    `| admission + TPM settle (2 round trips) | ${fmt(results.checkSettle.p50)} | ${fmt(results.checkSettle.p99)} | ${fmt(results.checkSettle.mean)} | |`,
    '',
    `added latency per gateway check: p50 ${fmt(results.check3.p50)} (${fmt(added)} over a PING round trip), p99 ${fmt(results.check3.p99)}`,
    `checks per second from one process: ${rates.check3.toFixed(0)} (PING: ${rates.ping.toFixed(0)}, INCR: ${rates.incr.toFixed(0)})`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `limiter benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
