// Model services on the real stack: every Table 4-4 rule, the ModelArts authorization that
// arrives by event, each operation from allowed and refused states (states driven through
// the reconciler's observation path), optimistic concurrency under 20 parallel requests,
// and every transition's event on Kafka exactly once, in order.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '@maas/errors';
import {
  parseEvent,
  ServiceChangedSchema,
  ServiceQpsChangedSchema,
  ServiceStateChangedSchema,
  topicName,
  Topic,
} from '@maas/events';
import { eventually } from '@maas/testing';
import { type ServiceState } from '../src/lifecycle/index.js';
import { createPool, deployBody, type ErrorJson, Harness, type Tenant } from './harness.js';
import { stackPoolsAccount } from './kwok.js';

const h = new Harness();
let t: Tenant;
let poolA: { id: string; name: string };
let poolB: { id: string; name: string };

interface ServiceJson {
  service_id: string;
  service_name: string;
  status: ServiceState;
  status_display_name: string;
  status_reason: string | null;
  queue_position: number | null;
  version: number;
  qps: number;
  config: {
    model_version: string;
    instance_count: number;
    specification: string;
    context_length: number;
  }[];
  event_notification: { enabled: boolean };
  schedule: { type: string; time_unit: string; duration: number }[];
  auto_stop: { remaining_seconds: number; stops_at: string | null } | null;
  instances: { desired: number; ready: number };
  resources: { npus: number; compute_usage: number | null; memory_usage: number | null };
  call_description: { model: string; callable: boolean; endpoints: { api: string; url: string }[] };
}

const servicesUrl = (id?: string) => `/v1/${t.projectId}/services${id ? `/${id}` : ''}`;

async function deploy(body: unknown) {
  return h.request('POST', servicesUrl(), t.token, body);
}

async function deployed(
  overrides: Record<string, unknown> = {},
  config: Record<string, unknown> = {},
) {
  const res = await deploy(deployBody(poolA.id, overrides, config));
  if (res.statusCode !== 201) throw new Error(`deploy failed: ${res.body}`);
  return res.json<ServiceJson>();
}

async function get(id: string): Promise<ServiceJson> {
  return (await h.request('GET', servicesUrl(id), t.token)).json<ServiceJson>();
}

/** Puts a new service into `state` the way the API and the reconciler would. */
async function serviceIn(state: ServiceState): Promise<string> {
  const id = (await deployed()).service_id;
  const api = (method: 'PUT' | 'POST' | 'DELETE', suffix: string, body: unknown) =>
    h.request(method, `${servicesUrl(id)}${suffix}`, t.token, body);
  const steps: Record<ServiceState, () => Promise<unknown>> = {
    queuing: () => Promise.resolve(),
    deploying: () => h.observe(id, { type: 'admitted' }),
    running: async () => {
      await steps.deploying();
      await h.observe(id, { type: 'all_ready' });
    },
    alarm: async () => {
      await steps.running();
      await h.observe(id, { type: 'some_unhealthy', reason: '1 of 1 instances not ready' });
    },
    updating: async () => {
      await steps.running();
      await api('POST', '/scale', { instance_count: 2 });
    },
    upgrading: async () => {
      await steps.running();
      await api('POST', '/upgrade', { model_version: '1.0.1' });
    },
    stopping: async () => {
      await steps.running();
      await api('PUT', '', { status: 'stopped' });
    },
    stopped: async () => {
      await steps.stopping();
      await h.observe(id, { type: 'pods_gone' });
    },
    deployment_failed: async () => {
      await steps.deploying();
      await h.observe(id, { type: 'failed', reason: 'image pull failed: ErrImagePull' });
    },
    starting: async () => {
      await steps.stopped();
      await api('PUT', '', { status: 'running' });
      await h.observe(id, { type: 'admitted' });
    },
    deleting: () => api('DELETE', '', { confirm: 'DELETE' }),
  };
  await steps[state]();
  const got = await get(id);
  if (got.status !== state) throw new Error(`wanted ${state}, got ${got.status}`);
  return id;
}

async function eventRows(serviceId?: string) {
  const rows: { service_id: string; event_id: string; version: number; reason: string }[] =
    await h.db.query(
      `SELECT service_id, event_id, version, reason FROM "${h.schema}".service_events
        ${serviceId ? 'WHERE service_id = $1' : ''} ORDER BY service_id, version`,
      serviceId ? [serviceId] : [],
    );
  return rows;
}

beforeAll(async () => {
  await h.start();
  t = await h.tenant({
    policies: ['ModelArts FullAccess'],
    authorized: true,
    accountId: await stackPoolsAccount(),
  });
  poolA = await createPool(h, t, 'pool-a');
  poolB = await createPool(h, t, 'pool-b');
});

afterAll(() => h.stop());

describe('deploy: the Table 4-4 rules, one at a time', () => {
  const fieldsOf = (body: ErrorJson) => body.details?.fields?.map((f) => f.field);

  it.each([
    [
      'service_name: letters, digits, - and _, starting with a letter',
      { service_name: '1-bad name' },
      {},
      'service_name',
    ],
    [
      'service_name: at most 64 characters',
      { service_name: `a${'b'.repeat(64)}` },
      {},
      'service_name',
    ],
    ['description: at most 256 characters', { description: 'x'.repeat(257) }, {}, 'description'],
    ['model from Model Square', {}, { model_id: 'gpt-9' }, 'config[0].model_id'],
    ['version of that model', {}, { model_version: '9.9.9' }, 'config[0].model_version'],
    [
      'flavor the model supports',
      {},
      { specification: 'ascend-910b-8' },
      'config[0].specification',
    ],
    ['a pool of the project', {}, { cluster_id: randomUUID() }, 'config[0].cluster_id'],
    ['instances >= 1', {}, { instance_count: 0 }, 'config[0].instance_count'],
    ['QPS > 0', { qps: 0 }, {}, 'qps'],
    [
      'notification topic when enabled',
      { event_notification: { enabled: true, events: ['Running'] } },
      {},
      'event_notification.topic',
    ],
    [
      'notification events from the list',
      { event_notification: { enabled: true, topic: 'ops.alerts', events: ['Exploded'] } },
      {},
      'event_notification.events[0]',
    ],
    [
      'auto stop: 1, 2, 4, 6 hours or custom (1 minute to 24 hours)',
      { schedule: [{ type: 'stop', time_unit: 'HOURS', duration: 25 }] },
      {},
      'schedule[0].duration',
    ],
  ])('%s', async (_rule, top, config, field) => {
    const res = await deploy(deployBody(poolA.id, top, config));
    expect(res.statusCode).toBe(400);
    const body = res.json<ErrorJson>();
    expect(body.error_code).toBe('DEPLOY.0301');
    expect(fieldsOf(body)).toEqual([field]);
    expect(body.error_msg).toContain(field);
  });

  it('pool in the same region', async () => {
    const north = await createPool(h, t, 'pool-a', { region: 'cn-north-4' });
    const res = await deploy(deployBody(north.id));
    expect(res.statusCode).toBe(400);
    expect(fieldsOf(res.json<ErrorJson>())).toEqual(['config[0].cluster_id']);
    expect(res.json<ErrorJson>().error_msg).toContain('cn-north-4');
  });

  it('flavor the pool offers', async () => {
    const small = await createPool(h, t, 'pool-a', { flavors: ['ascend-910b-2'] });
    const res = await deploy(deployBody(small.id));
    expect(res.statusCode).toBe(400);
    expect(fieldsOf(res.json<ErrorJson>())).toEqual(['config[0].specification']);
  });

  it('name unique in the project (409)', async () => {
    const first = await deployed();
    const res = await deploy(deployBody(poolA.id, { service_name: first.service_name }));
    expect(res.statusCode).toBe(409);
    expect(res.json<ErrorJson>().error_code).toBe('DEPLOY.0402');
    expect(fieldsOf(res.json<ErrorJson>())).toEqual(['service_name']);
  });

  it('names every bad field at once; unknown fields are refused', async () => {
    const res = await deploy(
      deployBody(poolA.id, { service_name: '', qps: -1 }, { instance_count: 0 }),
    );
    expect(fieldsOf(res.json<ErrorJson>())).toEqual([
      'service_name',
      'config[0].instance_count',
      'qps',
    ]);
    const extra = await deploy(deployBody(poolA.id, { gpu: true }));
    expect(extra.statusCode).toBe(400);
    const nested = await deploy(deployBody(poolA.id, {}, { replicas: 3 }));
    expect(nested.statusCode).toBe(400);
  });

  it('refuses up front what the whole pool could never hold', async () => {
    // DeepSeek-R1 on 4 servers × 8 NPUs: pool-b has 2 servers.
    const res = await deploy(
      deployBody(
        poolB.id,
        {},
        {
          model_id: 'deepseek-r1',
          model_version: '1.0.0',
          variant: '8k',
          specification: 'ascend-910b-4x8',
        },
      ),
    );
    expect(res.statusCode).toBe(400);
    const body = res.json<ErrorJson>();
    expect(body.error_code).toBe('DEPLOY.0405');
    expect(fieldsOf(body)).toEqual(['config[0].instance_count']);
    expect(body.error_msg).toContain('16 NPUs on 2 node(s)');
    // 33 × 1 NPU does not fit pool-a's 32 either; 32 does.
    const many = await deploy(deployBody(poolA.id, {}, { instance_count: 33 }));
    expect(many.json<ErrorJson>().error_code).toBe('DEPLOY.0405');
    expect((await deploy(deployBody(poolA.id, {}, { instance_count: 32 }))).statusCode).toBe(201);
  });
});

describe('deploy: the ModelArts authorization', () => {
  it('is refused without it, saying what to do, and accepted once it arrives by event', async () => {
    const newcomer = await h.tenant({
      policies: ['ModelArts FullAccess'],
      authorized: false,
      accountId: t.accountId, // pool-a's nodes are this account's
    });
    const pool = await createPool(h, newcomer, 'pool-a');
    const url = `/v1/${newcomer.projectId}/services`;
    const refused = await h.request('POST', url, newcomer.token, deployBody(pool.id));
    expect(refused.statusCode).toBe(403);
    const body = refused.json<ErrorJson>();
    expect(body.error_code).toBe('DEPLOY.0404');
    expect(body.error_msg).toContain(
      'ask your administrator to add a ModelArts authorization'.replace('ask', 'Ask'),
    );
    expect(body.error_msg).toContain(`POST /v2/${newcomer.projectId}/authorizations`);

    await h.setUser(newcomer.accountId, newcomer.userId, {
      policies: ['ModelArts FullAccess'],
      authorized: true,
    });
    const accepted = await eventually(
      async () => {
        const res = await h.request('POST', url, newcomer.token, deployBody(pool.id));
        if (res.statusCode !== 201) throw new Error(`still ${res.statusCode}`);
        return res.json<ServiceJson>();
      },
      { description: 'the authorization to reach the projection' },
    );
    expect(accepted.status).toBe('queuing');
  });
});

describe('a deployed service', () => {
  it('starts queuing, with its details and call description', async () => {
    const svc = await deployed(
      { schedule: [{ type: 'stop', time_unit: 'HOURS', duration: 2 }] },
      { instance_count: 2 },
    );
    expect(svc).toMatchObject({
      status: 'queuing',
      status_display_name: 'Queuing',
      status_reason: null,
      version: 1,
      qps: 10,
      config: [
        {
          model_version: '1.0.0',
          instance_count: 2,
          specification: 'ascend-910b-1',
          context_length: 32768,
        },
      ],
      event_notification: { enabled: false },
      schedule: [{ type: 'stop', time_unit: 'HOURS', duration: 2 }],
      auto_stop: { remaining_seconds: 7200, stops_at: null },
      instances: { desired: 2, ready: 0 },
      resources: { npus: 2, compute_usage: null, memory_usage: null },
    });
    expect(svc.call_description.model).toBe(svc.service_name);
    expect(svc.call_description.callable).toBe(false);
    expect(svc.call_description.endpoints.find((e) => e.api === 'service')?.url).toBe(
      `https://maas.example.com/v1/infers/${svc.service_id}/v1/chat/completions`,
    );
    const rows: {
      desired_status: string;
      generation: string;
      queued_at: Date | null;
      k8s_namespace: string;
      k8s_name: string;
    }[] = await h.db.query(
      `SELECT desired_status, generation, queued_at, k8s_namespace, k8s_name FROM "${h.schema}".model_services WHERE id = $1`,
      [svc.service_id],
    );
    expect(rows[0]).toMatchObject({
      desired_status: 'running',
      generation: '1',
      k8s_namespace: `maas-${t.projectId}`,
      k8s_name: `ms-${svc.service_id}`,
    });
    expect(rows[0].queued_at).toBeInstanceOf(Date);
    // Running: callable, and the auto-stop clock runs.
    await h.observe(svc.service_id, { type: 'admitted' });
    await h.observe(svc.service_id, { type: 'all_ready' });
    const running = await get(svc.service_id);
    expect(running.call_description.callable).toBe(true);
    expect(running.auto_stop?.stops_at).not.toBeNull();
    expect(running.version).toBe(3);
  });

  it('is listed with filters and paging', async () => {
    const name = `list-${randomUUID().slice(0, 6)}`;
    const ids = [];
    for (const i of [1, 2, 3])
      ids.push((await deployed({ service_name: `${name}-${i}` })).service_id);
    await h.observe(ids[0], { type: 'admitted' });
    const page = await h.request(
      'GET',
      `${servicesUrl()}?service_name=${name}&limit=2&offset=0`,
      t.token,
    );
    const body = page.json<{ total: number; count: number; services: ServiceJson[] }>();
    expect(body).toMatchObject({ total: 3, count: 2 });
    const rest = await h.request(
      'GET',
      `${servicesUrl()}?service_name=${name}&limit=2&offset=2`,
      t.token,
    );
    expect(rest.json<{ count: number }>().count).toBe(1);
    const deploying = await h.request(
      'GET',
      `${servicesUrl()}?service_name=${name}&status=deploying`,
      t.token,
    );
    expect(deploying.json<{ services: ServiceJson[] }>().services.map((s) => s.service_id)).toEqual(
      [ids[0]],
    );
    expect((await h.request('GET', `${servicesUrl()}?status=sleeping`, t.token)).statusCode).toBe(
      400,
    );
    // Another tenant sees none of it (its project is not this one).
    const other = await h.tenant();
    expect((await h.request('GET', servicesUrl(ids[0]), other.token)).statusCode).toBe(404);
  });
});

/** Asserts the 409 of an operation from a wrong state. */
function expectWrongState(res: { statusCode: number; json: <T>() => T }, state: ServiceState) {
  expect(res.statusCode).toBe(409);
  const body = res.json<ErrorJson>();
  expect(body.error_code).toBe('DEPLOY.0201');
  expect(body.details).toMatchObject({ state });
  expect(body.error_msg).toMatch(/^Service is in state [A-Za-z ]+; .+ is allowed in .+\.$/);
}

describe('operations from allowed and refused states', () => {
  const op = (id: string, method: 'PUT' | 'POST' | 'DELETE', suffix: string, body: unknown) =>
    h.request(method, `${servicesUrl(id)}${suffix}`, t.token, body);

  it.each(['queuing', 'deploying', 'starting', 'running', 'alarm'] as const)(
    'stop from %s → stopping',
    async (state) => {
      const id = await serviceIn(state);
      const res = await op(id, 'PUT', '', { status: 'stopped' });
      expect(res.statusCode).toBe(200);
      expect(res.json<ServiceJson>().status).toBe('stopping');
    },
  );

  it.each(['updating', 'upgrading', 'stopped', 'deployment_failed'] as const)(
    'stop from %s → 409',
    async (state) => {
      const id = await serviceIn(state);
      expectWrongState(await op(id, 'PUT', '', { status: 'stopped' }), state);
    },
  );

  it.each(['stopped', 'deployment_failed'] as const)('start from %s → queuing', async (state) => {
    const id = await serviceIn(state);
    const res = await op(id, 'PUT', '', { status: 'running' });
    expect(res.statusCode).toBe(200);
    expect(res.json<ServiceJson>()).toMatchObject({ status: 'queuing', status_reason: null });
  });

  it.each(['running', 'queuing', 'stopping'] as const)('start from %s → 409', async (state) => {
    const id = await serviceIn(state);
    const res = await op(id, 'PUT', '', { status: 'running' });
    expectWrongState(res, state);
    expect(res.json<ErrorJson>().error_msg).toContain(
      'start is allowed in Stopped, Deployment Failed.',
    );
  });

  it('a status change is not combined with other changes', async () => {
    const id = await serviceIn('running');
    const both = await op(id, 'PUT', '', { status: 'stopped', description: 'x' });
    expect(both.statusCode).toBe(400);
    expect(both.json<ErrorJson>().details?.fields?.[0].field).toBe('status');
    const before = await get(id);
    const described = await op(id, 'PUT', '', { description: 'new words' });
    expect(described.statusCode).toBe(200);
    // Not a lifecycle change: no event, same version.
    expect(described.json<ServiceJson & { description: string }>()).toMatchObject({
      description: 'new words',
      version: before.version,
    });
    expect((await get(id)).status).toBe('running');
  });

  it.each(['running', 'alarm'] as const)(
    'scale from %s → updating; scale-in needs YES',
    async (state) => {
      const id = await serviceIn(state);
      const out = await op(id, 'POST', '/scale', { instance_count: 3 });
      expect(out.statusCode).toBe(200);
      expect(out.json<ServiceJson>()).toMatchObject({
        status: 'updating',
        instances: { desired: 3 },
      });
      await h.observe(id, { type: 'all_ready' });
      const noConfirm = await op(id, 'POST', '/scale', { instance_count: 1 });
      expect(noConfirm.statusCode).toBe(400);
      expect(noConfirm.json<ErrorJson>().details?.fields?.map((f) => f.field)).toEqual(['confirm']);
      const scaledIn = await op(id, 'POST', '/scale', { instance_count: 1, confirm: 'YES' });
      expect(scaledIn.json<ServiceJson>()).toMatchObject({
        status: 'updating',
        instances: { desired: 1 },
      });
      await h.observe(id, { type: 'all_ready' });
      const events = await eventRows(id);
      expect(events.map((e) => e.reason).slice(-4)).toEqual([
        'ScaleRequested',
        'Scaled',
        'ScaleRequested',
        'Scaled',
      ]);
    },
  );

  it.each(['stopped', 'queuing', 'updating'] as const)('scale from %s → 409', async (state) => {
    const id = await serviceIn(state);
    expectWrongState(await op(id, 'POST', '/scale', { instance_count: 4 }), state);
  });

  it('scale-out beyond the whole pool is refused up front', async () => {
    const id = await serviceIn('running');
    const res = await op(id, 'POST', '/scale', { instance_count: 33 });
    expect(res.statusCode).toBe(400);
    expect(res.json<ErrorJson>().error_code).toBe('DEPLOY.0405');
  });

  it.each(['running', 'alarm'] as const)('set QPS in %s: no state change', async (state) => {
    const id = await serviceIn(state);
    const res = await op(id, 'PUT', '/qps', { qps: 42 });
    expect(res.statusCode).toBe(200);
    expect(res.json<ServiceJson>()).toMatchObject({ status: state, qps: 42 });
    expect((await op(id, 'PUT', '/qps', { qps: 0 })).statusCode).toBe(400);
    const same = await op(id, 'PUT', '/qps', { qps: 42 });
    expect(same.json<ServiceJson>().version).toBe(res.json<ServiceJson>().version);
  });

  it.each(['stopped', 'deploying', 'upgrading'] as const)(
    'set QPS from %s → 409',
    async (state) => {
      const id = await serviceIn(state);
      expectWrongState(await op(id, 'PUT', '/qps', { qps: 5 }), state);
    },
  );

  it.each(['running', 'alarm'] as const)(
    'upgrade from %s → upgrading, then running on the new version',
    async (state) => {
      const id = await serviceIn(state);
      const older = await op(id, 'POST', '/upgrade', { model_version: '1.0.0' });
      expect(older.statusCode).toBe(400);
      const unknown = await op(id, 'POST', '/upgrade', { model_version: '1.9.0' });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json<ErrorJson>().error_msg).toContain('1.0.0, 1.0.1');
      const res = await op(id, 'POST', '/upgrade', { model_version: '1.0.1' });
      expect(res.json<ServiceJson>()).toMatchObject({
        status: 'upgrading',
        config: [{ model_version: '1.0.1' }],
      });
      await h.observe(id, { type: 'all_ready' });
      expect((await get(id)).status).toBe('running');
      expect((await eventRows(id)).at(-1)?.reason).toBe('Upgraded');
    },
  );

  it.each(['stopped', 'starting', 'updating'] as const)('upgrade from %s → 409', async (state) => {
    const id = await serviceIn(state);
    expectWrongState(await op(id, 'POST', '/upgrade', { model_version: '1.0.1' }), state);
  });

  it.each(['queuing', 'running', 'stopped', 'deployment_failed', 'upgrading'] as const)(
    'delete from %s needs DELETE, goes to deleting, and is gone once cleaned up',
    async (state) => {
      const id = await serviceIn(state);
      const bodiless = await h.request('DELETE', servicesUrl(id), t.token);
      expect(bodiless.statusCode).toBe(400);
      const unconfirmed = await op(id, 'DELETE', '', { confirm: 'delete' });
      expect(unconfirmed.statusCode).toBe(400);
      expect(unconfirmed.json<ErrorJson>().details?.fields?.[0].field).toBe('confirm');
      const res = await op(id, 'DELETE', '', { confirm: 'DELETE' });
      expect(res.json<ServiceJson>().status).toBe('deleting');
      expect((await op(id, 'DELETE', '', { confirm: 'DELETE' })).statusCode).toBe(200);
      expectWrongState(await op(id, 'PUT', '', { status: 'running' }), 'deleting');
      const outcome = await h.observe(id, { type: 'deleted' });
      expect(outcome.removed).toBe(true);
      expect((await h.request('GET', servicesUrl(id), t.token)).statusCode).toBe(404);
      expect((await eventRows(id)).at(-1)?.reason).toBe('Deleted');
    },
  );

  it('the reconciler gets a conflict for an observation that does not apply', async () => {
    const id = await serviceIn('queuing');
    await expect(h.observe(id, { type: 'all_ready' })).rejects.toBeInstanceOf(DomainError);
    await expect(h.observe(id, { type: 'all_ready' })).rejects.toMatchObject({
      code: 'DEPLOY.0202',
    });
  });

  it('shows its events, newest first, and a pool with services cannot be deleted', async () => {
    const id = await serviceIn('alarm');
    const res = await h.request('GET', `${servicesUrl(id)}/events`, t.token);
    const body = res.json<{
      total: number;
      events: { reason: string; from_state: string | null; to_state: string; version: number }[];
    }>();
    expect(body.total).toBe(4);
    expect(body.events.map((e) => [e.reason, e.from_state, e.to_state, e.version])).toEqual([
      ['Unhealthy', 'running', 'alarm', 4],
      ['Deployed', 'deploying', 'running', 3],
      ['Deploying', 'queuing', 'deploying', 2],
      ['Queued', null, 'queuing', 1],
    ]);
    const del = await h.request('DELETE', `/v1/${t.projectId}/pools/${poolA.id}`, t.token, {
      confirm: 'DELETE',
    });
    expect(del.statusCode).toBe(409);
    expect(del.json<ErrorJson>().error_code).toBe('DEPLOY.0503');
  });

  // Pools learn their services through the ServicesOnPool port (model-services implements it).
  it('a pool keeps the flavors its services use and names them; one no service uses can go', async () => {
    const pool = await createPool(h, t, 'pool-a');
    const res = await deploy(deployBody(pool.id, {}, { specification: 'ascend-910b-2' }));
    expect(res.statusCode, res.body).toBe(201);
    const name = res.json<ServiceJson>().service_name;
    const poolUrl = `/v1/${t.projectId}/pools/${pool.id}`;
    const narrowed = await h.request('PUT', poolUrl, t.token, { flavors: ['ascend-910b-1'] });
    expect(narrowed.statusCode, narrowed.body).toBe(409);
    expect(narrowed.json<ErrorJson>()).toMatchObject({
      error_code: 'DEPLOY.0505',
      details: { services: [name] },
    });
    const kept = ['ascend-910b-1', 'ascend-910b-2'];
    const fewer = await h.request('PUT', poolUrl, t.token, { flavors: kept });
    expect(fewer.statusCode, fewer.body).toBe(200);
    const del = await h.request('DELETE', poolUrl, t.token, { confirm: 'DELETE' });
    expect(del.json<ErrorJson>()).toMatchObject({
      error_code: 'DEPLOY.0503',
      details: { services: [name] },
    });
  });
});

describe('concurrency: optimistic version', () => {
  it('20 concurrent scale requests: exactly one wins, the rest get a clear 409', async () => {
    const id = await serviceIn('running');
    const before = await get(id);
    const eventsBefore = (await eventRows(id)).length;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        h.request('POST', `${servicesUrl(id)}/scale`, t.token, { instance_count: i + 2 }),
      ),
    );
    const won = results.filter((r) => r.statusCode === 200);
    const lost = results.filter((r) => r.statusCode !== 200);
    expect(won).toHaveLength(1);
    expect(lost.every((r) => r.statusCode === 409)).toBe(true);
    for (const r of lost)
      expect(['DEPLOY.0403', 'DEPLOY.0201']).toContain(r.json<ErrorJson>().error_code);
    const winner = won[0].json<ServiceJson>();
    const after = await get(id);
    expect(after).toMatchObject({ status: 'updating', version: before.version + 1 });
    expect(after.instances.desired).toBe(winner.instances.desired);
    expect((await eventRows(id)).length).toBe(eventsBefore + 1);
  });

  it('20 concurrent QPS changes: one winner per version, one event per winner', async () => {
    const id = await serviceIn('running');
    const before = await get(id);
    const eventsBefore = (await eventRows(id)).length;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        h.request('PUT', `${servicesUrl(id)}/qps`, t.token, { qps: 100 + i }),
      ),
    );
    const won = results.filter((r) => r.statusCode === 200).map((r) => r.json<ServiceJson>());
    const lost = results.filter((r) => r.statusCode !== 200);
    expect(won.length).toBeGreaterThanOrEqual(1);
    expect(
      lost.every((r) => r.statusCode === 409 && r.json<ErrorJson>().error_code === 'DEPLOY.0403'),
    ).toBe(true);
    expect(lost[0]?.json<ErrorJson>().details).toMatchObject({ retryable: true });
    // Every winner got its own version; the last one's QPS is the service's.
    const versions = won.map((s) => s.version).sort((a, b) => a - b);
    expect(new Set(versions).size).toBe(won.length);
    expect(versions).toEqual(Array.from({ length: won.length }, (_, i) => before.version + 1 + i));
    const after = await get(id);
    expect(after.version).toBe(before.version + won.length);
    expect(after.qps).toBe(won.find((s) => s.version === after.version)?.qps);
    expect(after.status).toBe('running');
    const events = await eventRows(id);
    expect(events.length).toBe(eventsBefore + won.length);
    expect(events.map((e) => e.version)).toEqual(
      Array.from({ length: events.length }, (_, i) => i + 1),
    );
  });
});

describe('maas.deployments.v1', () => {
  it('carries each transition exactly once, in order, then the snapshot', async () => {
    const id = await serviceIn('running');
    await h.request('PUT', `${servicesUrl(id)}/qps`, t.token, { qps: 77 });
    const rows = await eventRows();
    const consumer = h.kafka.consumer({
      groupId: `${h.prefix}verify-${randomUUID()}`,
      maxWaitTimeInMs: 200,
    });
    const seen: {
      type: string;
      serviceId: string;
      eventId: string;
      version: bigint;
      qps?: number;
    }[] = [];
    await consumer.connect();
    await consumer.subscribe({
      topic: topicName(Topic.Deployments, h.prefix),
      fromBeginning: true,
    });
    await consumer.run({
      eachMessage: ({ message }) => {
        const event = parseEvent(message.value!);
        const p = event.payload as unknown as { version: bigint; serviceId: string; qps?: number };
        seen.push({
          type: event.type,
          serviceId: event.aggregateId,
          eventId: event.eventId,
          version: p.version,
          qps: p.qps,
        });
        return Promise.resolve();
      },
    });
    try {
      const stateChanges = () => seen.filter((s) => s.type === ServiceStateChangedSchema.typeName);
      await eventually(() => stateChanges().length >= rows.length, {
        timeoutMs: 30_000,
        description: `${rows.length} ServiceStateChanged on Kafka`,
      });
      // Exactly once: every stored event id once on the topic, nothing else.
      const ids = stateChanges().map((s) => s.eventId);
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort()).toEqual(rows.map((r) => r.event_id).sort());
      // In order, per service (one key, one partition): versions 1, 2, 3, …
      const byService = new Map<string, string[]>();
      for (const s of stateChanges())
        byService.set(s.serviceId, [...(byService.get(s.serviceId) ?? []), s.eventId]);
      for (const [serviceId, kafkaOrder] of byService)
        expect(kafkaOrder).toEqual(
          rows.filter((r) => r.service_id === serviceId).map((r) => r.event_id),
        );
      // The snapshot ends every change; the QPS change has its own event.
      await eventually(
        () => seen.filter((s) => s.serviceId === id).at(-1)?.type === ServiceChangedSchema.typeName,
      );
      const mine = seen.filter((s) => s.serviceId === id);
      expect(mine.at(-1)).toMatchObject({ qps: 77, version: 4n });
      expect(mine.filter((s) => s.type === ServiceQpsChangedSchema.typeName)).toHaveLength(1);
      expect(
        mine.filter((s) => s.type === ServiceChangedSchema.typeName).map((s) => s.version),
      ).toEqual([1n, 2n, 3n, 4n]);
    } finally {
      await consumer.disconnect();
    }
  });
});
