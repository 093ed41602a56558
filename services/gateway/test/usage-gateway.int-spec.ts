// Usage end to end: calls through a real gateway process in front of the simulators, the
// UsageRecorded events on maas.usage.v1, and the real quotas service's ledger — N calls are
// exactly N ledger requests with the tokens the answers reported, and calls made while Kafka
// is stopped are all counted once it is back (the gateway keeps serving meanwhile).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@maas/testing';
import { type ChildGateway } from './support/child-gateway.js';
import { bearer, call, hello } from './support/http.js';
import { GatewayWorld, type Tenant, type TestKey, type TestService } from './support/world.js';
import { QuotasProcess, stack, type Sums } from './usage-harness.js';

const world = new GatewayWorld();
let quotas: QuotasProcess;
let gw: ChildGateway;
let tenant: Tenant;
let svc: TestService;
let key: TestKey;
let kafkaStopped = false;

beforeAll(async () => {
  await world.setup();
  quotas = new QuotasProcess(world.kafka, world.prefix);
  await quotas.start();
  tenant = await world.tenant();
  svc = await world.service(tenant);
  key = await world.key(tenant);
  gw = await world.gateway('usage', {
    USAGE_FLUSH_INTERVAL_MS: '50',
    USAGE_SEND_STALL_MS: '500',
    IP_RATE_LIMIT_PER_MINUTE: '0',
  });
}, 240_000);

afterAll(async () => {
  // Whatever happened, leave the shared stack's Kafka running.
  if (kafkaStopped) await stack('up', 'kafka');
  await world.teardown();
  await quotas?.stop();
}, 180_000);

interface TokenUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** One call (every fourth streamed with include_usage); the tokens its answer reported. */
async function chat(i: number): Promise<TokenUsage> {
  const stream = i % 4 === 3;
  const res = await call(gw.url, '/v1/chat/completions', {
    headers: bearer(key.secret),
    body: hello(svc.name, {
      max_tokens: 3 + (i % 5),
      ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
    }),
  });
  expect(res.status, res.text).toBe(200);
  if (!stream) return res.json.usage as TokenUsage;
  const chunks = res.text
    .split('\n')
    .filter((l) => l.startsWith('data: {'))
    .map((l) => JSON.parse(l.slice(6)) as { usage?: TokenUsage | null });
  return chunks.at(-1)!.usage!;
}

function add(sums: Sums, u: TokenUsage): void {
  sums.requests += 1;
  sums.prompt += u.prompt_tokens;
  sums.completion += u.completion_tokens;
  sums.total += u.total_tokens;
}

describe('usage through the gateway', () => {
  it('counts N calls as exactly N ledger requests with their tokens, also across a Kafka outage', async () => {
    const expected: Sums = { requests: 0, failed: 0, prompt: 0, completion: 0, total: 0 };
    for (let i = 0; i < 30; i++) add(expected, await chat(i));
    expect(expected.completion).toBeGreaterThan(0);
    expect(await quotas.settled(tenant, 30)).toEqual(expected);

    kafkaStopped = true;
    try {
      await stack('down', 'kafka');
      // The gateway serves from its projections; the usage goes to its spill.
      for (let i = 30; i < 50; i++) add(expected, await chat(i));
    } finally {
      await stack('up', 'kafka');
      kafkaStopped = false;
    }
    expect(await quotas.settled(tenant, 50)).toEqual(expected);
    await eventually(async () => /^gateway_usage_spill_records\S* 0$/m.test(await gw.metrics()), {
      description: 'the gateway spill empty',
    });
    const metrics = await gw.metrics();
    expect(metrics).toMatch(/^gateway_usage_spilled_total\S* [1-9]/m);
    expect(metrics).not.toMatch(/^gateway_usage_dropped_total\{[^}]*\} [1-9]/m);
  }, 300_000);
});
