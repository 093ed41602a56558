// Preset services on the real stack (SPEC §8): the operator publishes a service of the
// platform account to every tenant of the region (X-Operator-Token), tenants list the preset
// services and enable/disable one for their account, and every change reaches
// maas.deployments.v1 through the outbox: ServiceChanged snapshots carrying `preset`, and
// PresetServiceAccessChanged keyed by `<account_id>:<service_id>`.
import { randomUUID } from 'node:crypto';
import { type Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  parseEvent,
  PresetServiceAccessChangedSchema,
  ServiceChangedSchema,
  ServiceStateChangedSchema,
  Topic,
  topicName,
} from '@maas/events';
import { eventually } from '@maas/testing';
import { createPool, deployBody, type ErrorJson, Harness, type Tenant } from './harness.js';
import { stackPoolsAccount } from './kwok.js';

const OPERATOR_TOKEN = `op-${randomUUID()}`;
const h = new Harness();
let platform: Tenant;
let tenant: Tenant;
let other: Tenant;
let pool: { id: string };

interface Seen {
  type: string;
  key: string;
  payload: Record<string, unknown>;
}
const seen: Seen[] = [];
let consumer: Consumer;

interface PresetJson {
  service_id: string;
  service_name: string;
  model_name: string;
  status: string;
  callable: boolean;
  enabled: boolean;
  endpoints: { api: string; url: string }[];
}

function operator(method: 'GET' | 'PUT', path: string, payload?: unknown, token = OPERATOR_TOKEN) {
  return h.app.inject({
    method,
    url: `/v1/operator/preset-services${path}`,
    headers: token ? { 'x-operator-token': token } : {},
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

const presetsUrl = (t: Tenant, id?: string) =>
  `/v1/${t.projectId}/preset-services${id ? `/${id}` : ''}`;

/** A running service of the platform account. */
async function runningService(): Promise<{ service_id: string; service_name: string }> {
  const res = await h.request(
    'POST',
    `/v1/${platform.projectId}/services`,
    platform.token,
    deployBody(pool.id),
  );
  expect(res.statusCode).toBe(201);
  const svc = res.json<{ service_id: string; service_name: string }>();
  await h.observe(svc.service_id, { type: 'admitted' });
  await h.observe(svc.service_id, { type: 'all_ready' });
  return svc;
}

const snapshots = (serviceId: string) =>
  seen.filter((s) => s.type === ServiceChangedSchema.typeName && s.key === serviceId);
const accessEvents = (accountId: string, serviceId: string) =>
  seen.filter(
    (s) =>
      s.type === PresetServiceAccessChangedSchema.typeName && s.key === `${accountId}:${serviceId}`,
  );

beforeAll(async () => {
  await h.start({ OPERATOR_TOKEN });
  platform = await h.tenant({ accountId: await stackPoolsAccount() });
  tenant = await h.tenant();
  other = await h.tenant();
  pool = await createPool(h, platform, 'pool-a');
  consumer = h.kafka.consumer({
    groupId: `${h.prefix}verify-${randomUUID()}`,
    maxWaitTimeInMs: 200,
  });
  await consumer.connect();
  await consumer.subscribe({ topic: topicName(Topic.Deployments, h.prefix), fromBeginning: true });
  await consumer.run({
    eachMessage: ({ message }) => {
      if (!message.value || message.value.length === 0) return Promise.resolve();
      const event = parseEvent(message.value);
      seen.push({
        type: event.type,
        key: message.key?.toString() ?? '',
        payload: event.payload,
      });
      return Promise.resolve();
    },
  });
}, 120_000);

afterAll(async () => {
  await consumer?.disconnect();
  await h.stop();
});

describe('operator API: publish and unpublish', () => {
  it('needs the X-Operator-Token; a tenant token does not do', async () => {
    const svc = await runningService();
    expect((await operator('PUT', `/${svc.service_id}`, { preset: true }, '')).statusCode).toBe(
      401,
    );
    expect(
      (await operator('PUT', `/${svc.service_id}`, { preset: true }, 'wrong-token')).statusCode,
    ).toBe(401);
    const asTenant = await h.app.inject({
      method: 'PUT',
      url: `/v1/operator/preset-services/${svc.service_id}`,
      headers: { 'x-auth-token': platform.token },
      payload: { preset: true },
    });
    expect(asTenant.statusCode).toBe(401);
    expect((await h.request('GET', presetsUrl(tenant), tenant.token)).json()).toMatchObject({
      total: 0,
    });
  });

  it('refuses a bad body (400) and an unknown service (404)', async () => {
    const svc = await runningService();
    const bad = await operator('PUT', `/${svc.service_id}`, { preset: 'yes' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<ErrorJson>()).toMatchObject({
      error_code: 'DEPLOY.0703',
      details: { fields: [{ field: 'preset' }] },
    });
    expect((await operator('PUT', `/${svc.service_id}`, {})).statusCode).toBe(400);
    const extra = await operator('PUT', `/${svc.service_id}`, { preset: true, color: 'red' });
    expect(extra.statusCode).toBe(400);
    const unknown = await operator('PUT', `/${randomUUID()}`, { preset: true });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json<ErrorJson>().error_code).toBe('DEPLOY.0401');
    expect((await operator('PUT', '/not-a-uuid', { preset: true })).statusCode).toBe(404);
  });

  it('publishing bumps the version once, records an event and publishes the snapshot with preset', async () => {
    const svc = await runningService();
    const res = await operator('PUT', `/${svc.service_id}`, { preset: true });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      service_id: svc.service_id,
      account_id: platform.accountId,
      preset: true,
      status: 'running',
      version: 4,
      enabled_accounts: 0,
    });
    // A repeat changes nothing.
    expect((await operator('PUT', `/${svc.service_id}`, { preset: true })).json()).toMatchObject({
      version: 4,
    });
    const events = await h.request(
      'GET',
      `/v1/${platform.projectId}/services/${svc.service_id}/events`,
      platform.token,
    );
    expect(
      events.json<{ events: { reason: string; from_state: string; to_state: string }[] }>()
        .events[0],
    ).toMatchObject({ reason: 'PresetPublished', from_state: 'running', to_state: 'running' });
    const details = await h.request(
      'GET',
      `/v1/${platform.projectId}/services/${svc.service_id}`,
      platform.token,
    );
    expect(details.json()).toMatchObject({ preset: true, version: 4 });
    await eventually(() => snapshots(svc.service_id).length === 4, {
      timeoutMs: 30_000,
      description: 'four ServiceChanged snapshots',
    });
    expect(snapshots(svc.service_id).map((s) => [s.payload.version, s.payload.preset])).toEqual([
      [1n, false],
      [2n, false],
      [3n, false],
      [4n, true],
    ]);
    const published = seen.filter(
      (s) =>
        s.type === ServiceStateChangedSchema.typeName &&
        s.key === svc.service_id &&
        s.payload.reason === 'PresetPublished',
    );
    expect(published).toHaveLength(1);
    expect(published[0].payload.version).toBe(4n);

    const list = await operator('GET', '');
    expect(
      list.json<{ services: { service_id: string }[] }>().services.map((s) => s.service_id),
    ).toContain(svc.service_id);
  });
});

describe('tenant API: list, enable, disable', () => {
  it('lists the preset services of the region with the account access, enables and disables with events', async () => {
    const svc = await runningService();
    const own = await runningService(); // never published
    await operator('PUT', `/${svc.service_id}`, { preset: true });

    const list = await h.request('GET', presetsUrl(tenant), tenant.token);
    expect(list.statusCode).toBe(200);
    const entry = list
      .json<{ services: PresetJson[] }>()
      .services.find((s) => s.service_id === svc.service_id);
    expect(entry).toMatchObject({
      service_name: svc.service_name,
      model_name: 'Qwen3-8B',
      status: 'running',
      callable: true,
      enabled: false,
    });
    expect(entry?.endpoints.map((e) => e.api)).toEqual(['region', 'region_models', 'v2']);
    expect(
      list.json<{ services: PresetJson[] }>().services.some((s) => s.service_id === own.service_id),
    ).toBe(false);
    expect(
      (await h.request('GET', presetsUrl(tenant, own.service_id), tenant.token)).statusCode,
    ).toBe(404);

    const enable = await h.request('PUT', presetsUrl(tenant, svc.service_id), tenant.token, {
      enabled: true,
    });
    expect(enable.statusCode).toBe(200);
    expect(enable.json()).toMatchObject({ service_id: svc.service_id, enabled: true });
    // Idempotent: a repeat publishes nothing new.
    await h.request('PUT', presetsUrl(tenant, svc.service_id), tenant.token, { enabled: true });
    expect(
      (await h.request('GET', presetsUrl(tenant, svc.service_id), tenant.token)).json(),
    ).toMatchObject({ enabled: true });
    // The other tenant is not affected.
    expect(
      (await h.request('GET', presetsUrl(other, svc.service_id), other.token)).json(),
    ).toMatchObject({ enabled: false });
    expect(
      (await operator('GET', ''))
        .json<{ services: { service_id: string; enabled_accounts: number }[] }>()
        .services.find((s) => s.service_id === svc.service_id)?.enabled_accounts,
    ).toBe(1);

    const disable = await h.request('PUT', presetsUrl(tenant, svc.service_id), tenant.token, {
      enabled: false,
    });
    expect(disable.json()).toMatchObject({ enabled: false });

    await eventually(() => accessEvents(tenant.accountId, svc.service_id).length >= 2, {
      timeoutMs: 30_000,
      description: 'two PresetServiceAccessChanged',
    });
    expect(
      accessEvents(tenant.accountId, svc.service_id).map((e) => [
        e.payload.accountId,
        e.payload.serviceId,
        e.payload.enabled,
        e.payload.version,
      ]),
    ).toEqual([
      [tenant.accountId, svc.service_id, true, 1n],
      [tenant.accountId, svc.service_id, false, 2n],
    ]);
  });

  it('refuses a bad body, an unknown or unpublished service, and a caller without the action', async () => {
    const svc = await runningService();
    await operator('PUT', `/${svc.service_id}`, { preset: true });
    const bad = await h.request('PUT', presetsUrl(tenant, svc.service_id), tenant.token, {
      enabled: 'yes',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<ErrorJson>()).toMatchObject({
      error_code: 'DEPLOY.0703',
      details: { fields: [{ field: 'enabled' }] },
    });
    const unknown = await h.request('PUT', presetsUrl(tenant, randomUUID()), tenant.token, {
      enabled: true,
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json<ErrorJson>().error_code).toBe('DEPLOY.0701');
    const reader = await h.tenant({ policies: ['OBS OperateAccess'] });
    expect((await h.request('GET', presetsUrl(reader), reader.token)).statusCode).toBe(403);
    expect(
      (
        await h.request('PUT', presetsUrl(reader, svc.service_id), reader.token, {
          enabled: true,
        })
      ).statusCode,
    ).toBe(403);
    expect((await h.request('GET', presetsUrl(tenant), undefined)).statusCode).toBe(401);
    // Another account's project is not the caller's.
    expect((await h.request('GET', presetsUrl(other), tenant.token)).statusCode).toBe(404);
  });

  it('unpublishing hides the service and keeps the choices; deleting revokes every access', async () => {
    const svc = await runningService();
    await operator('PUT', `/${svc.service_id}`, { preset: true });
    await h.request('PUT', presetsUrl(tenant, svc.service_id), tenant.token, { enabled: true });
    await h.request('PUT', presetsUrl(other, svc.service_id), other.token, { enabled: true });

    const unpublished = await operator('PUT', `/${svc.service_id}`, { preset: false });
    expect(unpublished.json()).toMatchObject({ preset: false, version: 5, enabled_accounts: 2 });
    const list = await h.request('GET', presetsUrl(tenant), tenant.token);
    expect(
      list.json<{ services: PresetJson[] }>().services.some((s) => s.service_id === svc.service_id),
    ).toBe(false);
    expect(
      (await h.request('PUT', presetsUrl(tenant, svc.service_id), tenant.token, { enabled: false }))
        .statusCode,
    ).toBe(404);
    // Published again: the account's earlier choice applies again.
    await operator('PUT', `/${svc.service_id}`, { preset: true });
    expect(
      (await h.request('GET', presetsUrl(tenant, svc.service_id), tenant.token)).json(),
    ).toMatchObject({ enabled: true });

    const del = await h.request(
      'DELETE',
      `/v1/${platform.projectId}/services/${svc.service_id}`,
      platform.token,
      { confirm: 'DELETE' },
    );
    expect(del.statusCode).toBeLessThan(300);
    // Being deleted: it cannot be published (it is published already; unpublish, then retry).
    await operator('PUT', `/${svc.service_id}`, { preset: false });
    const again = await operator('PUT', `/${svc.service_id}`, { preset: true });
    expect(again.statusCode).toBe(409);
    expect(again.json<ErrorJson>().error_code).toBe('DEPLOY.0702');
    await h.observe(svc.service_id, { type: 'deleted' });
    const rows: unknown[] = await h.db.query(
      `SELECT 1 FROM "${h.schema}".preset_access WHERE service_id = $1`,
      [svc.service_id],
    );
    expect(rows).toHaveLength(0);

    await eventually(
      () =>
        accessEvents(tenant.accountId, svc.service_id).at(-1)?.payload.enabled === false &&
        accessEvents(other.accountId, svc.service_id).at(-1)?.payload.enabled === false,
      { timeoutMs: 30_000, description: 'access revoked on Kafka for both accounts' },
    );
    const last = snapshots(svc.service_id).at(-1);
    expect(last?.payload).toMatchObject({ deleted: true });
    // The revocations follow the final snapshot (one transaction, appended after it).
    expect(accessEvents(tenant.accountId, svc.service_id).at(-1)?.payload.version).toBe(2n);
  });
});
