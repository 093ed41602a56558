// Resource usage of the service details (SPEC §5, seed 002 Table 4-5) on the real stack: the
// reconciler runs a service on KWOK nodes of its own, the app scrapes its pod's metrics and its
// node's npu-exporter (USAGE_SOURCE=scrape), which the local stack serves from the vLLM
// simulators' real load (deploy/local/sim-metrics.py, reached through USAGE_ENDPOINT_OVERRIDE).
// Load is driven on the simulator that the pod's address maps to, the gateway's rule.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, parseExports } from '@maas/testing';
import { deployBody, Harness, stack, type Tenant } from './harness.js';
import { core, KwokPool, removeLease, removeNamespace } from './kwok.js';

interface InstanceUsageJson {
  name: string;
  npus: number;
  compute_usage: number | null;
  memory_usage: number | null;
  running_requests: number | null;
  kv_cache_usage: number | null;
  note: string | null;
}

interface ResourcesJson {
  npus: number;
  compute_usage: number | null;
  memory_usage: number | null;
  memory_used_mb: number | null;
  memory_total_mb: number | null;
  running_requests: number | null;
  waiting_requests: number | null;
  kv_cache_usage: number | null;
  usage_source: string | null;
  usage_note: string | null;
  observed_at: string | null;
  instances: InstanceUsageJson[];
}

interface ServiceJson {
  service_id: string;
  status: string;
  resources: ResourcesJson;
}

/** The stack's USAGE_ENDPOINT_OVERRIDE (stack.sh env), written by `stack.sh up`. */
function usageOverride(): string {
  const fromEnv = process.env.USAGE_ENDPOINT_OVERRIDE;
  const file = join(stack.MAAS_STACK_STATE, 'stack.env');
  const value = fromEnv ?? parseExports(readFileSync(file, 'utf8')).USAGE_ENDPOINT_OVERRIDE;
  if (!value)
    throw new Error(
      'no USAGE_ENDPOINT_OVERRIDE in the stack env: run bash deploy/local/stack.sh up sim',
    );
  return value.replace(/^'(.*)'$/, '$1');
}

const h = new Harness();
const leaseName = `lease-${h.schema.replaceAll('_', '-')}`;
const nodes = new KwokPool({ nodes: 1, npusPerNode: 8 });
let t: Tenant;
let pool: { id: string };
let ns: string;

const url = (id?: string) => `/v1/${t.projectId}/services${id ? `/${id}` : ''}`;
const details = async (id: string) =>
  (await h.request('GET', url(id), t.token)).json<ServiceJson>();

/** The simulator the gateway sends this pod's traffic to: address as an integer modulo count. */
function simulatorOf(podIp: string): string {
  const sims = stack.SIM_URLS.split(',');
  const n = podIp.split('.').reduce((acc, part) => ((acc << 8) | Number(part)) >>> 0, 0);
  return sims[n % sims.length];
}

/**
 * Keeps `concurrency` long completions in flight on `sim` until stopped (each one ~2 s of
 * decoding at the stack's 1 ms per token); returns the stop function, which waits for them.
 */
function load(sim: string, concurrency: number): () => Promise<void> {
  let running = true;
  const one = async () => {
    while (running) {
      const res = await fetch(`${sim}/v1/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'sim-model',
          prompt: 'hi',
          max_tokens: 2000,
          ignore_eos: true,
        }),
      });
      await res.text();
    }
  };
  const workers = Array.from({ length: concurrency }, one);
  return async () => {
    running = false;
    await Promise.all(workers);
  };
}

beforeAll(async () => {
  await nodes.create();
  await h.start({
    RECONCILER: 'true',
    RECONCILER_LEASE_NAME: leaseName,
    RECONCILER_LEASE_DURATION_MS: '3000',
    RECONCILER_RENEW_DEADLINE_MS: '2000',
    RECONCILER_RETRY_PERIOD_MS: '500',
    USAGE_SOURCE: 'scrape',
    USAGE_ENDPOINT_OVERRIDE: usageOverride(),
    USAGE_CACHE_MS: '0',
  });
  t = await h.tenant({ accountId: nodes.accountId });
  ns = `maas-${t.projectId}`;
  const res = await h.request('POST', `/v1/${t.projectId}/pools`, t.token, {
    name: `kwok-${nodes.label}`.slice(0, 60),
    flavors: ['ascend-910b-2'],
    ...nodes.poolFields,
  });
  expect(res.statusCode, res.body).toBe(201);
  pool = res.json();
});

afterAll(async () => {
  await h.stop();
  await removeNamespace(ns);
  await nodes.delete();
  await removeLease(leaseName);
});

describe('resource usage in the service details', () => {
  it('shows NPU and model-server figures of a running service that follow its load', async () => {
    const created = await h.request(
      'POST',
      url(),
      t.token,
      deployBody(pool.id, {}, { specification: 'ascend-910b-2' }),
    );
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json<ServiceJson>().service_id;
    // Lists say where the figures are; only the details read them.
    expect(created.json<ServiceJson>().resources.usage_note).toMatch(/service details/);

    const idle = await eventually(
      async () => {
        const s = await details(id);
        return s.status === 'running' && s.resources.compute_usage !== null ? s : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200, description: 'running with usage figures' },
    );
    expect(idle.resources).toMatchObject({
      npus: 2,
      usage_source: 'scrape',
      usage_note: null,
      memory_total_mb: 2 * 65_536,
    });
    expect(idle.resources.instances).toHaveLength(1);
    expect(idle.resources.instances[0]).toMatchObject({ npus: 2, note: null });
    expect(idle.resources.memory_usage).toBeGreaterThan(0);
    expect(idle.resources.running_requests).not.toBeNull();
    expect(idle.resources.kv_cache_usage).not.toBeNull();

    const [pod] = (
      await core.listNamespacedPod({ namespace: ns, labelSelector: `maas.io/service-id=${id}` })
    ).items.filter((p) => p.status?.phase === 'Running');
    const stop = load(simulatorOf(pod.status?.podIP ?? ''), 6);
    let busy: ResourcesJson;
    try {
      // 6 in flight of the local model's 8 = 75 % AI Core, 6 running requests at least.
      busy = await eventually(
        async () => {
          const r = (await details(id)).resources;
          return (r.running_requests ?? 0) >= 6 && (r.compute_usage ?? 0) >= 0.75 ? r : undefined;
        },
        { timeoutMs: 15_000, intervalMs: 100, description: 'usage up under load' },
      );
    } finally {
      await stop();
    }
    expect(busy.memory_usage).toBeGreaterThan(idle.resources.memory_usage ?? 1);
    expect(busy.kv_cache_usage).toBeGreaterThanOrEqual(0.75);
    expect(busy.instances[0].compute_usage).toBe(busy.compute_usage);

    await eventually(
      async () => {
        const r = (await details(id)).resources;
        return (r.running_requests ?? 99) < 6 && (r.compute_usage ?? 1) < 0.75;
      },
      { timeoutMs: 15_000, intervalMs: 100, description: 'usage down after the load' },
    );
  });
});
