// The reconciler against the real kube-apiserver + KWOK: one app with RECONCILER=true, on a
// pool of its own fake nodes (2 × 8 NPUs), driven through the public API only. Pod failures
// come from KWOK's pod-container-running-failed stage (a label on the pod, put there by the
// test or, for whole services, by a MutatingAdmissionPolicy the test installs).
import { randomUUID } from 'node:crypto';
import { type V1Pod, Watch } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@maas/testing';
import { AUTO_STOP_QUEUE, type AutoStopQueue } from '../src/jobs/jobs.module.js';
import { type ServiceState } from '../src/lifecycle/index.js';
import { deployBody, Harness, type Tenant } from './harness.js';
import {
  apps,
  core,
  DeploymentPolicy,
  kc,
  KwokPool,
  NPU,
  objects,
  removeLease,
  removeNamespace,
} from './kwok.js';

const FAIL_LABEL = 'pod-container-running-failed.stage.kwok.x-k8s.io';

const h = new Harness();
/**
 * `crash-*` services crash: an admission policy gives their pods KWOK's failure label
 * (Running, then Failed 1–2 s later). A real model server that crashes never passes its
 * readiness probe; KWOK marks the pod Ready first, so these Deployments also get
 * minReadySeconds: an instance that fails within 5 s never counts as available.
 */
const crashing = new DeploymentPolicy(h.schema, 'crash', {
  patchType: 'ApplyConfiguration',
  expression: `Object{spec: Object.spec{minReadySeconds: 5, template: Object.spec.template{
     metadata: Object.spec.template.metadata{
       labels: {"${FAIL_LABEL}": "true"},
       annotations: {"${FAIL_LABEL}/reason": "ModelLoadError",
                     "${FAIL_LABEL}/message": "weights not found",
                     "${FAIL_LABEL}/exit-code": "3"}}}}}`,
});
/** `nowhere-*` services can never be scheduled: their pods select a node that does not exist. */
const unschedulable = new DeploymentPolicy(h.schema, 'nowhere', {
  patchType: 'JSONPatch', // nodeSelector is an atomic map: ApplyConfiguration may not touch it
  expression: `[JSONPatch{op: "add",
     path: "/spec/template/spec/nodeSelector/" + jsonpatch.escapeKey("maas.io/no-such-node"),
     value: "true"}]`,
});

const leaseName = `lease-${h.schema.replaceAll('_', '-')}`;
const nodes = new KwokPool({ nodes: 2, npusPerNode: 8 });
let t: Tenant;
let pool: { id: string };
let ns: string;

interface ServiceJson {
  service_id: string;
  service_name: string;
  status: ServiceState;
  status_reason: string | null;
  queue_position: number | null;
  config: { model_version: string; instance_count: number }[];
  instances: {
    desired: number;
    ready: number;
    details: { name: string; node: string | null; phase: string; ready: boolean }[];
  };
  resources: {
    compute_usage: number | null;
    memory_usage: number | null;
    usage_note: string | null;
  };
  auto_stop: { remaining_seconds: number; stops_at: string | null } | null;
}

const url = (id?: string, suffix = '') =>
  `/v1/${t.projectId}/services${id ? `/${id}` : ''}${suffix}`;
const get = async (id: string) => (await h.request('GET', url(id), t.token)).json<ServiceJson>();

async function deploy(
  overrides: Record<string, unknown> = {},
  config: Record<string, unknown> = {},
): Promise<string> {
  const res = await h.request('POST', url(), t.token, deployBody(pool.id, overrides, config));
  expect(res.statusCode, res.body).toBe(201);
  return res.json<ServiceJson>().service_id;
}

async function until(
  id: string,
  state: ServiceState,
  { timeoutMs = 20_000, also }: { timeoutMs?: number; also?: (s: ServiceJson) => boolean } = {},
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

async function reasons(id: string): Promise<string[]> {
  const rows: { reason: string }[] = await h.db.query(
    `SELECT reason FROM "${h.schema}".service_events WHERE service_id = $1 ORDER BY version`,
    [id],
  );
  return rows.map((r) => r.reason);
}

async function put(id: string, body: unknown, suffix = '', method: 'PUT' | 'POST' = 'PUT') {
  const res = await h.request(method, url(id, suffix), t.token, body);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<ServiceJson>();
}

const podsOf = async (id: string) =>
  (await core.listNamespacedPod({ namespace: ns, labelSelector: `maas.io/service-id=${id}` }))
    .items;
const live = (pods: V1Pod[]) =>
  pods.filter((p) => !['Failed', 'Succeeded'].includes(p.status?.phase ?? ''));

/** Deletes services and waits until their rows and objects are gone. */
async function remove(...ids: string[]): Promise<void> {
  for (const id of ids) {
    const res = await h.request('DELETE', url(id), t.token, { confirm: 'DELETE' });
    expect([200, 404]).toContain(res.statusCode);
  }
  for (const id of ids)
    await eventually(
      async () =>
        (await h.request('GET', url(id), t.token)).statusCode === 404 &&
        (await podsOf(id)).length === 0,
      { timeoutMs: 20_000, intervalMs: 100, description: `service ${id} deleted` },
    );
}

beforeAll(async () => {
  await nodes.create();
  await h.start({
    RECONCILER: 'true',
    RECONCILER_LEASE_NAME: leaseName,
    RECONCILER_LEASE_DURATION_MS: '3000',
    RECONCILER_RENEW_DEADLINE_MS: '2000',
    RECONCILER_RETRY_PERIOD_MS: '500',
    RECONCILER_POLL_MS: '2000',
    SCHEDULING_DEADLINE_SECONDS: '3',
    RESTART_WINDOW_SECONDS: '4',
    CRASH_LOOP_FAILURES: '3',
    AUTO_STOP_MINUTE_MS: '1000',
  });
  await crashing.install(
    (d) =>
      d.spec?.template.metadata?.labels?.[FAIL_LABEL] === 'true' && d.spec.minReadySeconds === 5,
  );
  await unschedulable.install(
    (d) => d.spec?.template.spec?.nodeSelector?.['maas.io/no-such-node'] === 'true',
  );
  t = await h.tenant({ accountId: nodes.accountId });
  ns = `maas-${t.projectId}`;
  const res = await h.request('POST', `/v1/${t.projectId}/pools`, t.token, {
    name: `kwok-${nodes.label}`.slice(0, 60),
    flavors: ['ascend-910b-1', 'ascend-910b-8', 'ascend-910b-2x8'],
    ...nodes.poolFields,
  });
  expect(res.statusCode, res.body).toBe(201);
  pool = res.json();
});

afterAll(async () => {
  await crashing.remove();
  await unschedulable.remove();
  await h.stop();
  await removeNamespace(ns);
  await nodes.delete();
  await removeLease(leaseName);
});

describe('deploy', () => {
  it('goes queuing → deploying → running with its objects on the pool nodes', async () => {
    const id = await deploy();
    const s = await until(id, 'running');
    expect(s.instances).toMatchObject({ desired: 1, ready: 1 });
    expect(nodes.nodeNames).toContain(s.instances.details[0].node);
    expect(s.resources).toMatchObject({ compute_usage: null, memory_usage: null });
    expect(s.resources.usage_note).toMatch(/^Not measured: no NPU metrics source/);
    expect(await reasons(id)).toEqual(['Queued', 'Deploying', 'Deployed']);

    const name = `ms-${id}`;
    const d = await apps.readNamespacedDeployment({ name, namespace: ns });
    const labels = {
      'maas.io/service-id': id,
      'maas.io/pool': pool.id,
      'maas.io/model': 'qwen3-8b',
      'app.kubernetes.io/managed-by': 'maas',
    };
    expect(d.metadata?.labels).toMatchObject(labels);
    expect(d.metadata?.finalizers).toEqual(['maas.io/cleanup']);
    expect(d.metadata?.managedFields?.map((f) => f.manager)).toContain('maas-deployments');
    expect(d.spec?.strategy?.rollingUpdate).toMatchObject({ maxUnavailable: 0, maxSurge: 1 });
    const pod = d.spec?.template.spec;
    expect(pod?.nodeSelector).toEqual({
      'maas.io/pool': nodes.label,
      'maas.io/account': t.accountId,
    });
    expect(pod?.tolerations).toEqual([
      { key: 'maas.io/pool', operator: 'Equal', value: nodes.label, effect: 'NoSchedule' },
    ]);
    const c = pod?.containers[0];
    expect(c?.image).toBe('quay.io/ascend/vllm-ascend:v0.9.1');
    expect(c?.args).toEqual(expect.arrayContaining(['--served-model-name', s.service_name]));
    expect(c?.ports?.[0].containerPort).toBe(8000);
    expect(c?.readinessProbe?.httpGet?.path).toBe('/health');
    expect(c?.resources?.requests?.[NPU]).toBe('1');
    expect(c?.resources?.limits?.[NPU]).toBe('1');

    const svc = await core.readNamespacedService({ name, namespace: ns });
    expect(svc.metadata?.labels).toMatchObject(labels);
    expect(svc.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: 'Deployment',
      name,
      uid: d.metadata?.uid,
    });
    expect(svc.spec?.ports?.[0].port).toBe(8000);
    // Headless: the gateway routes to the endpoints; no virtual IP to allocate.
    expect(svc.spec?.clusterIP).toBe('None');
    const namespace = await core.readNamespace({ name: ns });
    expect(namespace.metadata?.labels?.['app.kubernetes.io/managed-by']).toBe('maas');
    await remove(id);
  });

  it('queues what does not fit (FIFO, with positions) and admits it when room appears', async () => {
    const eightNpus = {
      model_id: 'qwen2.5-32b',
      model_version: '1.0.0',
      specification: 'ascend-910b-8',
    };
    const big = await deploy({}, { ...eightNpus, instance_count: 2 });
    await until(big, 'running');
    const second = await deploy({}, eightNpus);
    const third = await deploy();
    await until(second, 'queuing', { also: (s) => s.queue_position === 1 });
    await until(third, 'queuing', { also: (s) => s.queue_position === 2 });
    // `second` has a Service with a virtual IP already, as services made before Services were
    // headless have (spec.clusterIP is immutable): it must be kept, not turned headless.
    const model = await core.readNamespacedService({ name: `ms-${big}`, namespace: ns });
    const relabel = (m: Record<string, string> = {}) => ({ ...m, 'maas.io/service-id': second });
    const before = await core.createNamespacedService({
      namespace: ns,
      body: {
        metadata: { name: `ms-${second}`, labels: relabel(model.metadata?.labels) },
        spec: {
          type: 'ClusterIP',
          selector: relabel(model.spec?.selector),
          ports: model.spec?.ports?.map(({ name, port, targetPort, protocol }) => ({
            name,
            port,
            targetPort,
            protocol,
          })),
        },
      },
    });
    expect(before.spec?.clusterIP).not.toBe('None');

    await put(big, { status: 'stopped' });
    await until(big, 'stopped');
    expect(live(await podsOf(big))).toHaveLength(0);
    await until(second, 'running');
    await until(third, 'running');
    expect(await reasons(second)).toEqual(['Queued', 'Deploying', 'Deployed']);
    const kept = await core.readNamespacedService({ name: `ms-${second}`, namespace: ns });
    expect(kept.metadata?.uid).toBe(before.metadata?.uid);
    expect(kept.spec?.clusterIP).toBe(before.spec?.clusterIP);
    expect(kept.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Deployment' });
    await remove(big, second, third);
  });
});

describe('observed state', () => {
  it('moves to alarm when an instance fails, and back to running once it is replaced', async () => {
    const id = await deploy({}, { instance_count: 2 });
    await until(id, 'running');
    const [victim] = await podsOf(id);
    await core.patchNamespacedPod({
      name: victim.metadata?.name ?? '',
      namespace: ns,
      body: [{ op: 'add', path: `/metadata/labels/${FAIL_LABEL}`, value: 'true' }],
    });
    const alarm = await until(id, 'alarm');
    expect(alarm.status_reason).toContain(victim.metadata?.name);
    await until(id, 'running', { timeoutMs: 15_000 });
    expect(await reasons(id)).toEqual([
      'Queued',
      'Deploying',
      'Deployed',
      'Unhealthy',
      'Recovered',
    ]);
    await remove(id);
  });

  it('fails a deployment whose instances crash-loop, and releases its pods', async () => {
    const id = await deploy({ service_name: `crash-${randomUUID().slice(0, 6)}` });
    const failed = await until(id, 'deployment_failed');
    expect(failed.status_reason).toMatch(/Crash loop/);
    expect(failed.status_reason).toContain('ModelLoadError');
    await eventually(async () => (await podsOf(id)).length === 0, {
      timeoutMs: 10_000,
      description: 'crashed pods removed',
    });
    expect(await reasons(id)).toEqual(['Queued', 'Deploying', 'DeploymentFailed']);
    await remove(id);
  });

  it('fails a deployment that cannot be scheduled within the deadline', async () => {
    const id = await deploy({ service_name: `nowhere-${randomUUID().slice(0, 6)}` });
    const failed = await until(id, 'deployment_failed', { timeoutMs: 15_000 });
    expect(failed.status_reason).toMatch(/Unschedulable for 3 s/);
    await remove(id);
  });

  it('runs a flavor spanning several servers as one group of pods (instance-groups.int-spec.ts has the rest)', async () => {
    const id = await deploy(
      {},
      {
        model_id: 'deepseek-r1',
        model_version: '1.1.0',
        variant: '8k',
        specification: 'ascend-910b-2x8',
      },
    );
    await until(id, 'running');
    const pods = await podsOf(id);
    expect(pods).toHaveLength(2);
    expect(new Set(pods.map((p) => p.spec?.nodeName)).size).toBe(2);
    await remove(id);
  });
});

describe('operations', () => {
  it('scales out and in', async () => {
    const id = await deploy();
    await until(id, 'running');
    await put(id, { instance_count: 3 }, '/scale', 'POST');
    await until(id, 'running', { also: (s) => s.instances.ready === 3 });
    expect(live(await podsOf(id))).toHaveLength(3);
    await put(id, { instance_count: 1, confirm: 'YES' }, '/scale', 'POST');
    await until(id, 'running', { also: (s) => s.instances.desired === 1 });
    await eventually(async () => live(await podsOf(id)).length === 1, { timeoutMs: 10_000 });
    expect(await reasons(id)).toEqual([
      'Queued',
      'Deploying',
      'Deployed',
      'ScaleRequested',
      'Scaled',
      'ScaleRequested',
      'Scaled',
    ]);
    await remove(id);
  });

  it('upgrades with a rolling update in which the old instances keep serving', async () => {
    const id = await deploy({}, { instance_count: 2 });
    await until(id, 'running');
    const ready = new Map<string, boolean>();
    let minReady = Number.POSITIVE_INFINITY;
    let watching = false;
    const watch = await new Watch(kc).watch(
      `/api/v1/namespaces/${ns}/pods`,
      { labelSelector: `maas.io/service-id=${id}` },
      (_type: string, pod: V1Pod) => {
        const serving =
          !pod.metadata?.deletionTimestamp &&
          pod.status?.phase === 'Running' &&
          (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
        if (_type === 'DELETED') ready.delete(pod.metadata?.name ?? '');
        else ready.set(pod.metadata?.name ?? '', serving);
        const count = [...ready.values()].filter(Boolean).length;
        if (count >= 2) watching = true;
        if (watching) minReady = Math.min(minReady, count);
      },
      () => undefined,
    );
    try {
      await eventually(() => watching, { description: 'both instances seen ready' });
      await put(id, { model_version: '1.0.1' }, '/upgrade', 'POST');
      const s = await until(id, 'running', {
        also: (x) => x.config[0].model_version === '1.0.1',
      });
      expect(s.instances.ready).toBe(2);
      const pods = live(await podsOf(id)).filter((p) => !p.metadata?.deletionTimestamp);
      expect(pods.map((p) => p.metadata?.labels?.['maas.io/model-version'])).toEqual([
        '1.0.1',
        '1.0.1',
      ]);
      expect(pods[0].spec?.containers[0].image).toBe('quay.io/ascend/vllm-ascend:v0.13.0');
      expect(minReady).toBeGreaterThanOrEqual(2);
    } finally {
      watch.abort();
    }
    expect((await reasons(id)).slice(-2)).toEqual(['UpgradeRequested', 'Upgraded']);
    await remove(id);
  });

  it('stops (pods gone) and starts again', async () => {
    const id = await deploy();
    await until(id, 'running');
    await put(id, { status: 'stopped' });
    await until(id, 'stopped');
    expect(live(await podsOf(id))).toHaveLength(0);
    const d = await apps.readNamespacedDeployment({ name: `ms-${id}`, namespace: ns });
    expect(d.spec?.replicas).toBe(0);
    await put(id, { status: 'running' });
    await until(id, 'running');
    expect(await reasons(id)).toEqual([
      'Queued',
      'Deploying',
      'Deployed',
      'StopRequested',
      'Stopped',
      'StartRequested',
      'Starting',
      'Started',
    ]);
    await remove(id);
  });

  it('deletes: objects gone, finalizer released, then the service', async () => {
    const id = await deploy();
    await until(id, 'running');
    await remove(id);
    const gone = (p: Promise<unknown>) =>
      p.then(
        () => false,
        (e: { code?: number }) => e.code === 404,
      );
    expect(await gone(apps.readNamespacedDeployment({ name: `ms-${id}`, namespace: ns }))).toBe(
      true,
    );
    expect(await gone(core.readNamespacedService({ name: `ms-${id}`, namespace: ns }))).toBe(true);
    expect(await reasons(id)).toEqual([
      'Queued',
      'Deploying',
      'Deployed',
      'DeleteRequested',
      'Deleted',
    ]);
  });

  it('removes orphans: objects of a service that no longer exists', async () => {
    const orphan = randomUUID();
    const name = `ms-${orphan}`;
    await objects.create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name,
        namespace: ns,
        finalizers: ['maas.io/cleanup'],
        labels: { 'maas.io/service-id': orphan, 'maas.io/installation': h.schema },
      },
      spec: {
        replicas: 1,
        selector: { matchLabels: { 'maas.io/service-id': orphan } },
        template: {
          metadata: { labels: { 'maas.io/service-id': orphan, 'maas.io/installation': h.schema } },
          spec: { containers: [{ name: 'c', image: 'x' }] },
        },
      },
    });
    await eventually(
      () =>
        apps.readNamespacedDeployment({ name, namespace: ns }).then(
          () => false,
          (e: { code?: number }) => e.code === 404,
        ),
      { timeoutMs: 15_000, description: 'the orphan Deployment removed' },
    );
  });
});

describe('logs', () => {
  it('answers with the lines the API gives (none on KWOK) and a note per instance', async () => {
    const id = await deploy();
    await until(id, 'running');
    const res = await h.request(
      'GET',
      `${url(id, '/logs')}?search=error&since=${new Date(Date.now() - 60_000).toISOString()}&limit=10`,
      t.token,
    );
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<{ count: number; logs: unknown[]; notes: string[] }>();
    expect(body.count).toBe(0);
    expect(body.logs).toEqual([]);
    expect(body.notes).toHaveLength(1);
    expect(body.notes[0]).toMatch(/no log available \(404/);
    const bad = await h.request('GET', `${url(id, '/logs')}?since=yesterday`, t.token);
    expect(bad.statusCode).toBe(400);
    await remove(id);
  });
});

describe('auto stop', () => {
  const queue = () => h.app.get<AutoStopQueue>(AUTO_STOP_QUEUE);

  it('stops the service when its running time reaches the limit', async () => {
    // AUTO_STOP_MINUTE_MS=1000: "3 MINUTES" lasts 3 s here.
    const id = await deploy({ schedule: [{ type: 'stop', time_unit: 'MINUTES', duration: 3 }] });
    await until(id, 'running');
    await eventually(async () => (await queue().getJob(id)) !== undefined, {
      description: 'the auto-stop job scheduled',
    });
    const stopped = await until(id, 'stopped', { timeoutMs: 10_000 });
    expect(stopped.auto_stop?.remaining_seconds).toBe(3); // reset for the next start
    const events: { reason: string; at: Date }[] = await h.db.query(
      `SELECT reason, occurred_at AS at FROM "${h.schema}".service_events WHERE service_id = $1 ORDER BY version`,
      [id],
    );
    expect(events.map((e) => e.reason)).toEqual([
      'Queued',
      'Deploying',
      'Deployed',
      'AutoStopTriggered',
      'Stopped',
    ]);
    const ran = events[3].at.getTime() - events[2].at.getTime();
    expect(ran).toBeGreaterThanOrEqual(2_900);
    // At the limit, not a whole limit later (room for a loaded machine's queue and passes).
    expect(ran).toBeLessThan(2 * 3_000);
    await remove(id);
  });

  it('does not count time while stopped, and a manual stop cancels the job', async () => {
    const id = await deploy({ schedule: [{ type: 'stop', time_unit: 'MINUTES', duration: 4 }] });
    await until(id, 'running');
    await eventually(async () => (await queue().getJob(id)) !== undefined);
    // Run half the limit first, so a count restarted by the stop would be plain to see below.
    await eventually(async () => ((await get(id)).auto_stop?.remaining_seconds ?? 4) <= 2, {
      description: 'half the limit used',
    });
    await put(id, { status: 'stopped' });
    await until(id, 'stopped');
    await eventually(async () => (await queue().getJob(id)) === undefined, {
      description: 'the auto-stop job cancelled',
    });
    const paused = await get(id);
    expect(paused.auto_stop?.stops_at).toBeNull();
    const left = paused.auto_stop?.remaining_seconds ?? 0;
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThanOrEqual(2);

    await put(id, { status: 'running' });
    await until(id, 'running');
    await until(id, 'stopped', { timeoutMs: 15_000 });
    const events: { reason: string; at: Date }[] = await h.db.query(
      `SELECT reason, occurred_at AS at FROM "${h.schema}".service_events WHERE service_id = $1 ORDER BY version`,
      [id],
    );
    const reasonsSeen = events.map((e) => e.reason);
    expect(reasonsSeen.slice(-4)).toEqual(['Starting', 'Started', 'AutoStopTriggered', 'Stopped']);
    const firstRun =
      events[reasonsSeen.indexOf('StopRequested')].at.getTime() -
      events[reasonsSeen.indexOf('Deployed')].at.getTime();
    const secondRun =
      events[reasonsSeen.indexOf('AutoStopTriggered')].at.getTime() -
      events[reasonsSeen.indexOf('Started')].at.getTime();
    // The limit is counted over both runs; the stopped time in between does not count (the
    // total reaches the limit), nor does the stop restart the count (the second run is not
    // given the whole limit again; room for a loaded machine: 1.5 s or more).
    expect(firstRun + secondRun).toBeGreaterThanOrEqual(3_800);
    expect(secondRun).toBeLessThan(4_000);
    await remove(id);
  });
});
