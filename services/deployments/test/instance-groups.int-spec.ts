// Multi-server instances (instance groups) and gang admission against the real
// kube-apiserver + KWOK: one app with RECONCILER=true on pools of its own fake 8-NPU nodes,
// driven through the public API only. A member failure comes from KWOK's
// pod-container-running-failed stage (a label put on one pod, as an operator's fault
// injection would).
import { DiscoveryV1Api, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { eventually } from '@maas/testing';
import { type ServiceState } from '../src/lifecycle/index.js';
import { deployBody, Harness, type Tenant } from './harness.js';
import { apps, core, kc, KwokPool, removeLease, removeNamespace } from './kwok.js';

const discovery = kc.makeApiClient(DiscoveryV1Api);

// Every step waits on the cluster (scheduling, KWOK's pod stages) on a shared 2-core machine.
vi.setConfig({ testTimeout: 180_000 });

const FAIL_LABEL = 'pod-container-running-failed.stage.kwok.x-k8s.io';
const POD_INDEX = 'apps.kubernetes.io/pod-index';

const h = new Harness();
const leaseName = `lease-${h.schema.replaceAll('_', '-')}`;
/** Four servers: one DeepSeek-V3 group (4 × 8) or two DeepSeek-R1 groups (2 × 8). */
const nodes = new KwokPool({ nodes: 4, npusPerNode: 8 });
/** Three servers: room for 1.5 groups of 2 × 8 (gang admission). */
const small = new KwokPool({ nodes: 3, npusPerNode: 8, accountId: nodes.accountId });
let t: Tenant;
let pool: { id: string };
let gangPool: { id: string };
let ns: string;

interface ServiceJson {
  service_id: string;
  status: ServiceState;
  status_reason: string | null;
  queue_position: number | null;
  instances: { desired: number; ready: number; details: { name: string; node: string | null }[] };
}

const url = (id = '', suffix = '') => `/v1/${t.projectId}/services${id ? `/${id}` : ''}${suffix}`;

async function get(id: string): Promise<ServiceJson> {
  const res = await h.request('GET', url(id), t.token);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<ServiceJson>();
}

const R1 = { model_id: 'deepseek-r1', model_version: '1.0.0', variant: '8k' };
const V3 = { model_id: 'deepseek-v3', model_version: '1.0.0', variant: '8k' };

async function deploy(
  poolId: string,
  config: Record<string, unknown>,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const res = await h.request('POST', url(), t.token, deployBody(poolId, overrides, config));
  expect(res.statusCode, res.body).toBe(201);
  return res.json<ServiceJson>().service_id;
}

async function until(
  id: string,
  state: ServiceState,
  { timeoutMs = 60_000, also }: { timeoutMs?: number; also?: (s: ServiceJson) => boolean } = {},
): Promise<ServiceJson> {
  return eventually(
    async () => {
      const s = await get(id);
      if (s.status !== state || (also && !also(s)))
        throw new Error(`${s.status} (${s.status_reason ?? ''}), ready ${s.instances.ready}`);
      return s;
    },
    { timeoutMs, intervalMs: 100, description: `service ${id} ${state}` },
  );
}

async function put(id: string, body: unknown, suffix = '', method: 'PUT' | 'POST' = 'PUT') {
  const res = await h.request(method, url(id, suffix), t.token, body);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<ServiceJson>();
}

async function reasons(id: string): Promise<string[]> {
  const rows: { reason: string }[] = await h.db.query(
    `SELECT reason FROM "${h.schema}".service_events WHERE service_id = $1 ORDER BY version`,
    [id],
  );
  return rows.map((r) => r.reason);
}

const podsOf = async (id: string) =>
  (await core.listNamespacedPod({ namespace: ns, labelSelector: `maas.io/service-id=${id}` }))
    .items;
const live = (pods: V1Pod[]) =>
  pods.filter(
    (p) =>
      !['Failed', 'Succeeded'].includes(p.status?.phase ?? '') && !p.metadata?.deletionTimestamp,
  );
const setsOf = async (id: string) =>
  (
    await apps.listNamespacedStatefulSet({
      namespace: ns,
      labelSelector: `maas.io/service-id=${id}`,
    })
  ).items;
const env = (pod: V1Pod, name: string) =>
  pod.spec?.containers[0]?.env?.find((e) => e.name === name);

/** The live members of the service, once there are `count` of them all Running and Ready. */
async function members(id: string, count: number): Promise<V1Pod[]> {
  return eventually(
    async () => {
      const pods = live(await podsOf(id));
      const ready = pods.filter((p) =>
        p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      );
      if (ready.length !== count || pods.length !== count)
        throw new Error(`${ready.length}/${pods.length} ready members, want ${count}`);
      return pods;
    },
    { timeoutMs: 20_000, intervalMs: 100, description: `${count} ready members of ${id}` },
  );
}

/** Checks one group: N members on N distinct pool servers, ranks 0…N-1, the leader's address. */
function expectGroup(id: string, group: number, pods: V1Pod[], size: number, poolNodes: string[]) {
  const name = `ms-${id}-g${group}`;
  const mine = pods.filter((p) => p.metadata?.labels?.['maas.io/group'] === String(group));
  expect(mine).toHaveLength(size);
  const hosts = mine.map((p) => p.spec?.nodeName ?? '');
  expect(new Set(hosts).size).toBe(size);
  for (const host of hosts) expect(poolNodes).toContain(host);
  expect(mine.map((p) => p.metadata?.labels?.[POD_INDEX]).sort()).toEqual(
    Array.from({ length: size }, (_, i) => String(i)),
  );
  for (const pod of mine) {
    expect(pod.metadata?.name).toMatch(new RegExp(`^${name}-\\d$`));
    expect(env(pod, 'LWS_LEADER_ADDRESS')?.value).toBe(`${name}-0.ms-${id}-members.${ns}`);
    expect(env(pod, 'LWS_GROUP_SIZE')?.value).toBe(String(size));
    expect(env(pod, 'LWS_WORKER_INDEX')?.valueFrom?.fieldRef?.fieldPath).toBe(
      `metadata.labels['${POD_INDEX}']`,
    );
    const npus = pod.spec?.containers[0]?.resources?.requests?.['huawei.com/Ascend910'];
    expect(npus).toBe('8');
  }
}

/** Free NPUs of a pool as its API reports them. */
async function freeNpus(poolId: string): Promise<number> {
  const res = await h.request('GET', `/v1/${t.projectId}/pools/${poolId}`, t.token);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ capacity: { free_npus: number } }>().capacity.free_npus;
}

async function remove(...ids: string[]): Promise<void> {
  for (const id of ids) {
    const res = await h.request('DELETE', url(id), t.token, { confirm: 'DELETE' });
    expect([200, 404]).toContain(res.statusCode);
  }
  for (const id of ids)
    await eventually(
      async () =>
        (await h.request('GET', url(id), t.token)).statusCode === 404 &&
        (await podsOf(id)).length === 0 &&
        (await setsOf(id)).length === 0,
      { timeoutMs: 30_000, intervalMs: 100, description: `service ${id} deleted` },
    );
}

beforeAll(async () => {
  await Promise.all([nodes.create(), small.create()]);
  await h.start({
    RECONCILER: 'true',
    RECONCILER_LEASE_NAME: leaseName,
    RECONCILER_LEASE_DURATION_MS: '3000',
    RECONCILER_RENEW_DEADLINE_MS: '2000',
    RECONCILER_RETRY_PERIOD_MS: '500',
    RECONCILER_POLL_MS: '2000',
    SCHEDULING_DEADLINE_SECONDS: '20',
    RESTART_WINDOW_SECONDS: '3',
    CRASH_LOOP_FAILURES: '3',
  });
  t = await h.tenant({ accountId: nodes.accountId });
  ns = `maas-${t.projectId}`;
  const flavors = ['ascend-910b-1', 'ascend-910b-2x8', 'ascend-910b-4x8'];
  for (const [kwok, target] of [
    [nodes, 'main'],
    [small, 'gang'],
  ] as const) {
    const res = await h.request('POST', `/v1/${t.projectId}/pools`, t.token, {
      name: `kwok-${kwok.label}`.slice(0, 60),
      flavors,
      ...kwok.poolFields,
    });
    expect(res.statusCode, res.body).toBe(201);
    if (target === 'main') pool = res.json();
    else gangPool = res.json();
  }
});

afterAll(async () => {
  await h.stop();
  await removeNamespace(ns);
  await Promise.all([nodes.delete(), small.delete()]);
  await removeLease(leaseName);
});

describe('DeepSeek-R1 on 2 × 8: one group of two servers per instance', () => {
  let id: string;

  it('deploys → running, every member on a distinct server, leader address and ranks in the pods', async () => {
    id = await deploy(pool.id, { ...R1, specification: 'ascend-910b-2x8' });
    const s = await until(id, 'running');
    expect(s.instances).toMatchObject({ desired: 1, ready: 1 });
    expect(await reasons(id)).toEqual(['Queued', 'Deploying', 'Deployed']);
    const pods = await members(id, 2);
    expectGroup(id, 0, pods, 2, nodes.nodeNames);
    const [set] = await setsOf(id);
    expect(set?.spec).toMatchObject({
      replicas: 2,
      podManagementPolicy: 'Parallel',
      serviceName: `ms-${id}-members`,
    });
    const members_ = await core.readNamespacedService({ name: `ms-${id}-members`, namespace: ns });
    expect(members_.spec?.clusterIP).toBe('None');
    const leaderService = await core.readNamespacedService({ name: `ms-${id}`, namespace: ns });
    expect(leaderService.spec?.clusterIP).toBe('None'); // the gateway routes to endpoints
    // The leader Service sends traffic to pod 0 only.
    const leader = pods.find((p) => p.metadata?.labels?.[POD_INDEX] === '0');
    await eventually(
      async () => {
        const { items } = await discovery.listNamespacedEndpointSlice({
          namespace: ns,
          labelSelector: `kubernetes.io/service-name=ms-${id}`,
        });
        const targets = items.flatMap((e) => (e.endpoints ?? []).map((x) => x.targetRef?.name));
        return targets.length === 1 && targets[0] === leader?.metadata?.name;
      },
      { timeoutMs: 20_000, intervalMs: 200, description: 'the leader Service selects pod 0' },
    );
  });

  it('restarts the whole group when a worker fails; the service is not running meanwhile', async () => {
    const before = await members(id, 2);
    const uids = new Set(before.map((p) => p.metadata?.uid));
    const worker = before.find((p) => p.metadata?.labels?.[POD_INDEX] === '1');
    await core.patchNamespacedPod({
      name: worker?.metadata?.name ?? '',
      namespace: ns,
      body: [{ op: 'add', path: `/metadata/labels/${FAIL_LABEL}`, value: 'true' }],
    });
    const alarm = await until(id, 'alarm');
    expect(alarm.status_reason).toContain(`member ${worker?.metadata?.name}`);
    // Every member — the leader too — is a new pod.
    const after = await eventually(
      async () => {
        const pods = await members(id, 2);
        return pods.every((p) => !uids.has(p.metadata?.uid)) ? pods : null;
      },
      { timeoutMs: 20_000, intervalMs: 200, description: 'every member replaced' },
    );
    expectGroup(id, 0, after, 2, nodes.nodeNames);
    await until(id, 'running');
    expect(await reasons(id)).toEqual([
      'Queued',
      'Deploying',
      'Deployed',
      'Unhealthy',
      'Recovered',
    ]);
    const [set] = await setsOf(id);
    const records = JSON.parse(set?.metadata?.annotations?.['maas.io/group-restarts'] ?? '[]');
    expect(records, JSON.stringify(records)).toHaveLength(1);
  });

  it('scales 1 → 2 → 1 by whole groups', async () => {
    await put(id, { instance_count: 2 }, '/scale', 'POST');
    await until(id, 'running', { also: (s) => s.instances.ready === 2 });
    const pods = await members(id, 4);
    expectGroup(id, 0, pods, 2, nodes.nodeNames);
    expectGroup(id, 1, pods, 2, nodes.nodeNames);
    expect(new Set(pods.map((p) => p.spec?.nodeName)).size).toBe(4);
    expect(await freeNpus(pool.id)).toBe(0);

    await put(id, { instance_count: 1, confirm: 'YES' }, '/scale', 'POST');
    await until(id, 'running', { also: (s) => s.instances.desired === 1 });
    await eventually(
      async () => (await setsOf(id)).length === 1 && (await podsOf(id)).length === 2,
      {
        timeoutMs: 20_000,
        intervalMs: 100,
        description: 'group 1 removed',
      },
    );
    expect((await setsOf(id))[0]?.metadata?.name).toBe(`ms-${id}-g0`);
  });

  it('upgrades group by group (two groups: one keeps serving throughout)', async () => {
    await put(id, { instance_count: 2 }, '/scale', 'POST');
    await until(id, 'running', { also: (s) => s.instances.ready === 2 });
    await put(id, { model_version: '1.1.0' }, '/upgrade', 'POST');
    let lowest = 2;
    await eventually(
      async () => {
        const s = await get(id);
        if (s.status === 'upgrading') lowest = Math.min(lowest, s.instances.ready);
        const pods = live(await podsOf(id));
        return (
          s.status === 'running' &&
          pods.length === 4 &&
          pods.every((p) => p.metadata?.labels?.['maas.io/model-version'] === '1.1.0')
        );
      },
      { timeoutMs: 40_000, intervalMs: 50, description: 'upgraded to 1.1.0' },
    );
    expect(lowest).toBeGreaterThanOrEqual(1);
    await put(id, { instance_count: 1, confirm: 'YES' }, '/scale', 'POST');
    await until(id, 'running', { also: (s) => s.instances.desired === 1 });
  });

  it('stops (every member gone, NPUs free), starts again, deletes', async () => {
    await put(id, { status: 'stopped' });
    await until(id, 'stopped');
    await eventually(
      async () => (await podsOf(id)).length === 0 && (await setsOf(id)).length === 0,
      {
        timeoutMs: 20_000,
        intervalMs: 100,
        description: 'members gone',
      },
    );
    expect(await freeNpus(pool.id)).toBe(32);

    await put(id, { status: 'running' });
    await until(id, 'running');
    expectGroup(id, 0, await members(id, 2), 2, nodes.nodeNames);

    await remove(id);
    const services = await core.listNamespacedService({
      namespace: ns,
      labelSelector: `maas.io/service-id=${id}`,
    });
    expect(services.items).toHaveLength(0);
    expect(await freeNpus(pool.id)).toBe(32);
  });
});

describe('DeepSeek-V3 on 4 × 8: one group of four servers', () => {
  it('deploys → running with the four members on the four servers, ranks 0–3', async () => {
    const id = await deploy(pool.id, { ...V3, specification: 'ascend-910b-4x8' });
    await until(id, 'running');
    expectGroup(id, 0, await members(id, 4), 4, nodes.nodeNames);
    expect(await freeNpus(pool.id)).toBe(0);
    await remove(id);
  });
});

/** Ready endpoints of the leader Service `ms-<id>` (what traffic can reach). */
async function readyLeaders(id: string): Promise<string[]> {
  const { items } = await discovery.listNamespacedEndpointSlice({
    namespace: ns,
    labelSelector: `kubernetes.io/service-name=ms-${id}`,
  });
  return items.flatMap((e) =>
    (e.endpoints ?? [])
      .filter((x) => x.conditions?.ready !== false)
      .map((x) => x.targetRef?.name ?? ''),
  );
}

describe('upgrade of a service of one group', () => {
  it('with room for one more group: a stand-in serves while the group is replaced; the leader Service always has a ready endpoint', async () => {
    const id = await deploy(pool.id, { ...R1, specification: 'ascend-910b-2x8' });
    await until(id, 'running');
    const old = new Set((await members(id, 2)).map((p) => p.metadata?.uid));
    await eventually(async () => (await readyLeaders(id)).length === 1, {
      timeoutMs: 20_000,
      intervalMs: 100,
      description: 'the leader Service has its endpoint',
    });
    await put(id, { model_version: '1.1.0' }, '/upgrade', 'POST');
    let fewest = Infinity;
    const groups = new Set<string>();
    await eventually(
      async () => {
        const [s, leaders, sets] = await Promise.all([get(id), readyLeaders(id), setsOf(id)]);
        fewest = Math.min(fewest, leaders.length);
        for (const set of sets) groups.add(set.metadata?.name ?? '');
        const pods = live(await podsOf(id));
        return (
          s.status === 'running' &&
          sets.length === 1 &&
          pods.length === 2 &&
          pods.every(
            (p) =>
              !old.has(p.metadata?.uid) &&
              p.metadata?.labels?.['maas.io/model-version'] === '1.1.0',
          )
        );
      },
      { timeoutMs: 60_000, intervalMs: 50, description: 'upgraded through a stand-in' },
    );
    expect(fewest).toBeGreaterThanOrEqual(1);
    expect([...groups].sort()).toEqual([`ms-${id}-g0`, `ms-${id}-g1`]);
    expect((await setsOf(id))[0]?.metadata?.name).toBe(`ms-${id}-g0`);
    expectGroup(id, 0, await members(id, 2), 2, nodes.nodeNames);
    expect(await reasons(id)).toEqual([
      'Queued',
      'Deploying',
      'Deployed',
      'UpgradeRequested',
      'Upgraded',
    ]);
    // The stand-in's servers are free again (its pods may take a moment to go).
    await eventually(async () => (await freeNpus(pool.id)) === 16, {
      timeoutMs: 20_000,
      intervalMs: 100,
      description: "the stand-in's NPUs free",
    });
    await remove(id);
  });

  it('deletes during an upgrade: the stand-in goes with the groups', async () => {
    const id = await deploy(pool.id, { ...R1, specification: 'ascend-910b-2x8' });
    await until(id, 'running');
    await put(id, { model_version: '1.1.0' }, '/upgrade', 'POST');
    await eventually(
      async () => (await setsOf(id)).some((x) => x.metadata?.name === `ms-${id}-g1`),
      { timeoutMs: 20_000, intervalMs: 20, description: 'the stand-in exists' },
    );
    await remove(id);
    expect(await freeNpus(pool.id)).toBe(32);
  });

  it('without room: replaced in place, and the service says so', async () => {
    // Three servers: the group takes two, a spare group would need two more.
    const id = await deploy(gangPool.id, { ...R1, specification: 'ascend-910b-2x8' });
    await until(id, 'running');
    await put(id, { model_version: '1.1.0' }, '/upgrade', 'POST');
    const s = await until(id, 'running', {
      timeoutMs: 60_000,
      also: (x) => x.instances.ready === 1,
    });
    expect(s.status_reason).toBeNull();
    const pods = await members(id, 2);
    expect(pods.every((p) => p.metadata?.labels?.['maas.io/model-version'] === '1.1.0')).toBe(true);
    expect((await setsOf(id)).map((x) => x.metadata?.name)).toEqual([`ms-${id}-g0`]);
    expect(await reasons(id)).toEqual([
      'Queued',
      'Deploying',
      'Deployed',
      'UpgradeRequested',
      'UpgradeInPlace',
      'Upgraded',
    ]);
    const [event] = await h.db.query<{ message: string }[]>(
      `SELECT message FROM "${h.schema}".service_events WHERE service_id = $1 AND reason = 'UpgradeInPlace'`,
      [id],
    );
    expect(event?.message).toMatch(/no room for a spare group.*cannot be called/);
    await remove(id);
  });
});

describe('gang admission', () => {
  it('scales out by a whole group only when all its servers are free at once', async () => {
    const id = await deploy(pool.id, { ...R1, specification: 'ascend-910b-2x8' });
    await until(id, 'running');
    // One NPU taken on a third server: two servers are not free at once any more.
    const tiny = await deploy(pool.id, {
      model_id: 'qwen3-8b',
      model_version: '1.0.0',
      specification: 'ascend-910b-1',
    });
    await until(tiny, 'running');
    await put(id, { instance_count: 2 }, '/scale', 'POST');
    // The reconciler has seen the new spec (it records the generation it observed) …
    await eventually(
      async () => {
        const [row] = await h.db.query<{ seen: boolean }[]>(
          `SELECT observed_generation = generation AS seen FROM "${h.schema}".model_services WHERE id = $1`,
          [id],
        );
        return row?.seen === true;
      },
      { timeoutMs: 20_000, intervalMs: 100, description: 'scale observed' },
    );
    // … and made no part of the second group: no StatefulSet, no pod holding a server.
    expect((await setsOf(id)).map((s) => s.metadata?.name)).toEqual([`ms-${id}-g0`]);
    expect(live(await podsOf(id))).toHaveLength(2);
    expect((await get(id)).status).toBe('updating');

    await remove(tiny);
    await until(id, 'running', { also: (s) => s.instances.ready === 2 });
    expectGroup(id, 1, await members(id, 4), 2, nodes.nodeNames);
    await remove(id);
  });

  it('admits one group of two into room for 1.5, queues the next with no pod, and keeps FIFO', async () => {
    const first = await deploy(gangPool.id, { ...R1, specification: 'ascend-910b-2x8' });
    await until(first, 'running');
    const second = await deploy(gangPool.id, { ...R1, specification: 'ascend-910b-2x8' });
    const queued = await until(second, 'queuing', { also: (s) => s.queue_position === 1 });
    expect(queued.queue_position).toBe(1);
    // A one-NPU service would fit on the free server, but it is behind the group.
    const tiny = await deploy(gangPool.id, {
      model_id: 'qwen3-8b',
      model_version: '1.0.0',
      specification: 'ascend-910b-1',
    });
    await until(tiny, 'queuing', { also: (s) => s.queue_position === 2 });
    // Admission has decided (the positions are its output): nothing of the queued ones exists.
    expect(await podsOf(second)).toHaveLength(0);
    expect(await setsOf(second)).toHaveLength(0);
    expect(await podsOf(tiny)).toHaveLength(0);
    expect(await freeNpus(gangPool.id)).toBe(8);

    // The first group goes: the second fits (all its servers at once), then the tiny one.
    await remove(first);
    await until(second, 'running');
    await until(tiny, 'running');
    expectGroup(second, 0, await members(second, 2), 2, small.nodeNames);
    await remove(second, tiny);
  });
});
