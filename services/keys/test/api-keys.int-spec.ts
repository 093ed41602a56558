// The keys service against the real stack (PostgreSQL, Kafka): the key lifecycle through its
// REST API, and what a gateway sees of it through maas.keys.v1 (the reusable KeyProjection).
import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  API_KEY_PATTERN,
  ApiKeyHasher,
  type KeyProjection,
  type KeyProjectionConsumer,
} from '@maas/api-keys';
import {
  ApiKeyChangedSchema,
  ApiKeyDeletedSchema,
  parseEvent,
  QuotaLimitsChangedSchema,
  Topic,
} from '@maas/events';
import { usageRecorded } from '@maas/service-testing';
import { eventually, reportTiming, withRoom } from '@maas/testing';
import {
  KeysWorld,
  OTHER_REGION,
  PEPPER,
  type RawMessage,
  REGION,
  type TestAccount,
} from './harness.js';

interface KeyJson {
  id: string;
  tag: string;
  description: string;
  api_key?: string;
  masked_key: string;
  prefix: string;
  suffix: string;
  region: string;
  created_at: string;
  rotated_at: string | null;
  last_used_at: string | null;
  previous_secret_valid_until: string | null;
  scope: {
    all_services: boolean;
    service_ids: string[];
    allowed_cidrs: string[];
    allowed_models: string[];
  };
}
interface ErrorJson {
  error_code: string;
  error_msg: string;
  details?: { fields?: { field: string }[]; limit?: number; used?: number };
}

const world = new KeysWorld();
/** Every secret the service handed out in this file: none may ever show up anywhere else. */
const secrets: string[] = [];
let acct: TestAccount;
let projection: KeyProjection;
let projector: KeyProjectionConsumer;
let topic: RawMessage[];

const base = (a: TestAccount, project = a.projectId) => `/v1/${project}/api-keys`;

async function createKey(
  a: TestAccount,
  body: Record<string, unknown>,
  token = a.rootToken,
): Promise<KeyJson> {
  const res = await world.request('POST', base(a), token, body);
  if (res.statusCode !== 201) throw new Error(`create: ${res.statusCode} ${res.body}`);
  const key = res.json<KeyJson>();
  secrets.push(key.api_key!);
  return key;
}

beforeAll(async () => {
  await world.start();
  acct = await world.account();
  topic = await world.collect(Topic.Keys);
  ({ projection, consumer: projector } = world.keyProjection());
  await projector.start();
  await projector.ready;
});

afterAll(() => world.close());

describe('create, list, show', () => {
  it('returns the secret once (201); listings show only its first 7 and last 4 characters', async () => {
    const key = await createKey(acct, {
      tag: 'chat-app_1',
      description: 'Production chat front end',
    });
    expect(key.api_key).toMatch(API_KEY_PATTERN);
    expect(key).toMatchObject({
      tag: 'chat-app_1',
      region: REGION,
      prefix: key.api_key!.slice(0, 7),
      suffix: key.api_key!.slice(-4),
      masked_key: `${key.api_key!.slice(0, 7)}…${key.api_key!.slice(-4)}`,
      scope: { all_services: true, service_ids: [], allowed_cidrs: [], allowed_models: [] },
      last_used_at: null,
    });
    const shown = await world.request('GET', `${base(acct)}/${key.id}`, acct.rootToken);
    const listed = await world.request('GET', base(acct), acct.rootToken);
    expect(shown.statusCode).toBe(200);
    expect(listed.json<{ api_keys: KeyJson[] }>().api_keys.map((k) => k.id)).toContain(key.id);
    for (const res of [shown, listed]) {
      expect(res.body).not.toContain(key.api_key);
      expect(res.body).not.toContain(key.api_key!.slice(7, -4));
      expect(res.json()).not.toHaveProperty('api_key');
    }
    const stored = await world.rows<{ secret_hash: string }>(
      `SELECT secret_hash FROM "${world.schema}".api_keys WHERE id = $1`,
      [key.id],
    );
    expect(stored[0].secret_hash).toBe(new ApiKeyHasher(PEPPER).hash(key.api_key!));
  });

  it('enforces the tag and description rules', async () => {
    const bad = [
      { tag: '', description: 'x' },
      { tag: 'has space', description: 'x' },
      { tag: 'dot.ted', description: 'x' },
      { tag: 'ü', description: 'x' },
      { tag: 'a'.repeat(101), description: 'x' },
      { tag: 'ok', description: '' },
      { tag: 'ok', description: 'd'.repeat(101) },
      { description: 'no tag' },
      { tag: 'ok', description: 'x', unknown: 1 },
    ];
    for (const body of bad) {
      const res = await world.request('POST', base(acct), acct.rootToken, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json<ErrorJson>().error_code).toBe('MAAS.0400');
    }
    await createKey(acct, { tag: 'T'.repeat(100), description: 'd'.repeat(100) });
    // Unique in the account: also across its projects (regions).
    const again = await world.request('POST', base(acct, acct.otherProjectId), acct.rootToken, {
      tag: 'T'.repeat(100),
      description: 'again',
    });
    expect(again.statusCode).toBe(409);
    expect(again.json<ErrorJson>()).toMatchObject({ error_code: 'KEYS.0102' });
    // Neither can be changed: the key's path has no such method (405 naming those it has).
    const key = (await world.request('GET', base(acct), acct.rootToken)).json<{
      api_keys: KeyJson[];
    }>().api_keys[0];
    for (const method of ['PUT', 'PATCH'] as const) {
      const res = await world.app.inject({
        method,
        url: `${base(acct)}/${key.id}`,
        headers: { 'x-auth-token': acct.rootToken },
        payload: { tag: 'x' },
      });
      expect(res.statusCode).toBe(405);
      expect(res.headers.allow).toBe('GET, HEAD, DELETE');
    }
  });

  it('refuses without a token or the action, and hides other tenants’ keys (404)', async () => {
    const other = await world.account();
    const theirs = await createKey(other, { tag: 'theirs', description: 'other tenant' });
    expect(
      (await world.request('GET', `${base(acct)}/${theirs.id}`, acct.rootToken)).statusCode,
    ).toBe(404);
    expect(
      (await world.request('DELETE', `${base(acct)}/${theirs.id}`, acct.rootToken)).statusCode,
    ).toBe(404);
    expect((await world.request('GET', base(other), acct.rootToken)).statusCode).toBe(404);
    expect(
      (await world.request('GET', `${base(acct)}/not-a-uuid`, acct.rootToken)).statusCode,
    ).toBe(404);
    expect((await world.request('GET', base(acct))).statusCode).toBe(401);
    const reader = await world.user(acct, {
      policies: [
        {
          Version: '1.1',
          Statement: [
            { Effect: 'Allow', Action: ['modelarts:apikey:list', 'modelarts:apikey:get'] },
          ],
        },
      ],
    });
    expect((await world.request('GET', base(acct), reader)).statusCode).toBe(200);
    expect(
      (await world.request('POST', base(acct), reader, { tag: 'r', description: 'r' })).statusCode,
    ).toBe(403);
    const admin = await world.user(acct, { policies: [world.fullAccess()] });
    await createKey(acct, { tag: 'by-admin', description: 'made by a FullAccess user' }, admin);
  });
});

describe('30 keys per account', () => {
  it('admits exactly the limit under concurrent creates; the 31st gets a clear quota error', async () => {
    const a = await world.account();
    const attempts = await Promise.all(
      Array.from({ length: 36 }, (_, i) =>
        world.request('POST', base(a, i % 2 ? a.projectId : a.otherProjectId), a.rootToken, {
          tag: `k${i}`,
          description: `key ${i}`,
        }),
      ),
    );
    const created = attempts.filter((r) => r.statusCode === 201);
    const refused = attempts.filter((r) => r.statusCode !== 201);
    secrets.push(...created.map((r) => r.json<KeyJson>().api_key!));
    expect(created).toHaveLength(30);
    expect(refused).toHaveLength(6);
    for (const res of refused) {
      expect(res.statusCode).toBe(403);
      expect(res.json<ErrorJson>()).toMatchObject({
        error_code: 'KEYS.0103',
        error_msg:
          'The account already has 30 API keys, the maximum of 30; delete a key you no longer use before creating another',
        details: { limit: 30, used: 30 },
      });
    }
    const list = (await world.request('GET', base(a), a.rootToken)).json<{
      quota: { used: number; limit: number };
    }>();
    expect(list.quota).toEqual({ used: 30, limit: 30 });

    // Deleting one frees a place.
    const victim = created[0].json<KeyJson>();
    const project = attempts.indexOf(created[0]) % 2 ? a.projectId : a.otherProjectId;
    expect(
      (await world.request('DELETE', `${base(a, project)}/${victim.id}`, a.rootToken)).statusCode,
    ).toBe(204);
    await createKey(a, { tag: 'replacement', description: 'after a delete' });
    expect(
      (await world.request('POST', base(a), a.rootToken, { tag: 'one-more', description: 'x' }))
        .statusCode,
    ).toBe(403);

    // The limit comes from maas.quotas.v1 when the quotas service sets one.
    await world.producer.publish({
      schema: QuotaLimitsChangedSchema,
      payload: create(QuotaLimitsChangedSchema, { accountId: a.id, maxApiKeys: 31, version: 1n }),
      accountId: a.id,
      aggregateType: 'quota_limits',
      aggregateId: a.id,
    });
    await eventually(
      async () =>
        (await world.request('POST', base(a), a.rootToken, { tag: 'one-more', description: 'x' }))
          .statusCode === 201,
      {
        description: 'the raised quota',
      },
    );
  });
});

describe('what a gateway sees (maas.keys.v1 → KeyProjection)', () => {
  it('a deleted key is refused by the projection within 1 s', async () => {
    const key = await createKey(acct, { tag: 'short-lived', description: 'deleted below' });
    await eventually(() => projection.verify(key.api_key!, { region: REGION }).ok, {
      description: 'the key at the gateway',
    });
    const t0 = performance.now();
    const res = await world.request('DELETE', `${base(acct)}/${key.id}`, acct.rootToken);
    expect(res.statusCode).toBe(204);
    await eventually(() => !projection.verify(key.api_key!, { region: REGION }).ok, {
      timeoutMs: withRoom(1_000) + 5_000,
      intervalMs: 2,
    });
    const elapsed = performance.now() - t0;
    reportTiming('key deleted → refused by the projection', elapsed, 1_000);
    expect(elapsed).toBeLessThan(withRoom(1_000));
    expect((await world.request('GET', `${base(acct)}/${key.id}`, acct.rootToken)).statusCode).toBe(
      404,
    );

    // On the topic: ApiKeyDeleted, then a tombstone (null value) under the key id.
    const mine = await eventually(() => {
      const m = topic.filter((x) => x.key === key.id);
      return m.length >= 3 ? m : false;
    });
    expect(mine.map((m) => (m.value ? parseEvent(m.value).type : null))).toEqual([
      ApiKeyChangedSchema.typeName,
      ApiKeyDeletedSchema.typeName,
      null,
    ]);
    // A tag is free again once its key is deleted.
    await createKey(acct, { tag: 'short-lived', description: 'the tag again' });
  });

  it('honours a rotation grace period to the second, then refuses the old secret', async () => {
    const key = await createKey(acct, { tag: 'rotating', description: 'rotated below' });
    // 5 s of grace: the new secret reaches the projection well inside it on a loaded machine,
    // so the old one is seen working up to its last second.
    const res = await world.request('POST', `${base(acct)}/${key.id}/rotate`, acct.rootToken, {
      grace_period_seconds: 5,
    });
    expect(res.statusCode).toBe(200);
    const rotated = res.json<KeyJson>();
    secrets.push(rotated.api_key!);
    expect(rotated.api_key).not.toBe(key.api_key);
    const until = Date.parse(rotated.previous_secret_valid_until!);
    expect(until - Date.parse(rotated.rotated_at!)).toBe(5_000);
    await eventually(() => projection.verify(rotated.api_key!, { region: REGION }).ok, {
      description: 'the new secret',
    });
    // The old secret works until the instant, and not a millisecond after.
    let lastAccepted = 0;
    await eventually(
      () => {
        const at = Date.now();
        const verdict = projection.verify(key.api_key!, { region: REGION });
        if (verdict.ok) lastAccepted = at;
        return !verdict.ok ? at : false;
      },
      { timeoutMs: 10_000, intervalMs: 5 },
    ).then((refusedAt) => {
      expect(refusedAt).toBeGreaterThanOrEqual(until);
      expect(refusedAt - until).toBeLessThan(1_000);
    });
    expect(lastAccepted).toBeGreaterThan(until - 1_000);
    expect(lastAccepted).toBeLessThan(until);
    expect(projection.verify(rotated.api_key!, { region: REGION })).toMatchObject({
      ok: true,
      secret: 'current',
    });

    // Without a grace period the replaced secret stops at once.
    const again = await world.request('POST', `${base(acct)}/${key.id}/rotate`, acct.rootToken, {});
    const third = again.json<KeyJson>();
    secrets.push(third.api_key!);
    expect(third.previous_secret_valid_until).toBeNull();
    await eventually(() => projection.verify(third.api_key!, { region: REGION }).ok);
    expect(projection.verify(rotated.api_key!, { region: REGION }).ok).toBe(false);
    const tooLong = await world.request('POST', `${base(acct)}/${key.id}/rotate`, acct.rootToken, {
      grace_period_seconds: 30 * 86_400 + 1,
    });
    expect(tooLong.statusCode).toBe(400);
  });

  it('checks the scope: named services, addresses, models, region and project', async () => {
    const bound = await createKey(acct, {
      tag: 'bound',
      description: 'one service, one network, one model',
      all_services: false,
      service_ids: ['svc-a'],
      allowed_cidrs: ['10.20.0.0/16', '2001:db8::/32'],
      allowed_models: ['DeepSeek-R1'],
    });
    expect(bound.scope).toEqual({
      all_services: false,
      service_ids: ['svc-a'],
      allowed_cidrs: ['10.20.0.0/16', '2001:db8::/32'],
      allowed_models: ['DeepSeek-R1'],
    });
    const call = {
      region: REGION,
      projectId: acct.projectId,
      serviceId: 'svc-a',
      model: 'DeepSeek-R1',
      clientIp: '10.20.3.4',
    };
    const verify = (over: Partial<typeof call>) =>
      projection.verify(bound.api_key!, { ...call, ...over });
    await eventually(() => verify({}).ok, { description: 'the bound key' });
    expect(verify({ clientIp: '2001:db8::1' }).ok).toBe(true);
    expect(verify({ serviceId: 'svc-b' })).toMatchObject({
      ok: false,
      reason: 'service_not_allowed',
    });
    expect(verify({ clientIp: '10.21.0.1' })).toMatchObject({
      ok: false,
      reason: 'ip_not_allowed',
    });
    expect(verify({ model: 'Qwen2.5-72B' })).toMatchObject({
      ok: false,
      reason: 'model_not_allowed',
    });
    expect(verify({ region: OTHER_REGION })).toMatchObject({ ok: false, reason: 'wrong_region' });
    expect(verify({ projectId: acct.otherProjectId })).toMatchObject({
      ok: false,
      reason: 'wrong_project',
    });

    for (const body of [
      { all_services: false },
      { all_services: false, service_ids: [] },
      { service_ids: ['svc-a'] },
      { allowed_cidrs: ['10.0.0.0/33'] },
      { allowed_cidrs: ['not-an-ip/8'] },
      { allowed_models: [''] },
    ]) {
      const res = await world.request('POST', base(acct), acct.rootToken, {
        tag: 'bad-scope',
        description: 'x',
        ...body,
      });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
    }
  });

  it('records last use asynchronously from maas.usage.v1', async () => {
    const key = await createKey(acct, { tag: 'used', description: 'called below' });
    const marker = await createKey(acct, { tag: 'marker', description: 'proves the batch ran' });
    const at = new Date(Date.now() - 5_000);
    // One aggregate id: one partition, so the newer use arrives first, then an older one,
    // then the marker's. The older use must not move last_used_at back.
    const partitionKey = randomUUID();
    const usage = (keyId: string, occurredAt: Date) =>
      usageRecorded(
        acct,
        { keyId, model: 'm', totalTokens: 3 },
        { aggregateId: partitionKey, occurredAt },
      );
    await world.producer.publishAll([
      usage(key.id, at),
      usage(key.id, new Date(at.getTime() - 60_000)),
      usage(marker.id, new Date()),
    ]);
    const show = async (id: string) =>
      (await world.request('GET', `${base(acct)}/${id}`, acct.rootToken)).json<KeyJson>();
    await eventually(async () => Boolean((await show(marker.id)).last_used_at));
    expect(Date.parse((await show(key.id)).last_used_at!)).toBe(at.getTime());
  });

  it('bootstraps a new projection from scratch from the compacted topic', async () => {
    const live = await world.rows<{ id: string }>(`SELECT id FROM "${world.schema}".api_keys`);
    const { projection: fresh, consumer } = world.keyProjection();
    await consumer.start();
    await consumer.ready;
    await consumer.stop();
    expect(fresh.size).toBe(live.length);
    for (const { id } of live) expect(fresh.get(id)).toBeDefined();
    const admin = world.kafka.admin();
    await admin.connect();
    const described = await admin.describeConfigs({
      resources: [{ type: 2, name: world.topic(Topic.Keys), configNames: ['cleanup.policy'] }],
      includeSynonyms: false,
    });
    await admin.disconnect();
    expect(described.resources[0].configEntries[0].configValue).toBe('compact');
  });
});

describe('bootstrap when a partition ends without a message', () => {
  it('gets ready once fetches come back empty (aborted or compacted tail)', async () => {
    // An aborted transaction leaves offsets no consumer ever receives, as compaction does
    // when it removes the last records of a partition.
    const producer = world.kafka.producer({
      transactionalId: `${world.prefix}tail`,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    const tx = await producer.transaction();
    await tx.send({
      topic: world.topic(Topic.Keys),
      messages: [0, 1, 2].map((i) => ({ key: `tail-${i}`, value: 'never committed' })),
    });
    await tx.abort();
    await producer.disconnect();
    const { projection: fresh, consumer } = world.keyProjection({ idleCatchUpMs: 500 });
    await consumer.start();
    await eventually(() => consumer.isReady, {
      timeoutMs: 15_000,
      description: 'the projection to be ready',
    });
    await consumer.stop();
    const live = await world.rows(`SELECT id FROM "${world.schema}".api_keys`);
    expect(fresh.size).toBe(live.length);
  });
});

describe('operating it', () => {
  it('serves health, the OpenAPI document and metrics', async () => {
    expect((await world.request('GET', '/health/live')).statusCode).toBe(200);
    expect((await world.request('GET', '/health/ready')).statusCode).toBe(200);
    const doc = (await world.request('GET', '/openapi.json')).json<{
      paths: Record<string, unknown>;
      components: { schemas: Record<string, { properties: Record<string, object> }> };
    }>();
    // One maximum per rule: the schema states the configured MAX_GRACE_PERIOD_SECONDS (its
    // default, 7 days), the one the rotation enforces, not the DTO's 30-day ceiling.
    expect(
      doc.components.schemas.RotateApiKeyRequest.properties.grace_period_seconds,
    ).toMatchObject({ type: 'integer', minimum: 0, maximum: 7 * 86_400 });
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/{project_id}/api-keys',
        '/v1/{project_id}/api-keys/{key_id}',
        '/v1/{project_id}/api-keys/{key_id}/rotate',
      ]),
    );
    expect((await world.request('GET', '/metrics')).body).toContain('http_request');
  });
});

describe('secrecy', () => {
  it('never shows a secret in error bodies', async () => {
    const secret = secrets[0];
    const res = await world.request('POST', base(acct), acct.rootToken, {
      tag: secret,
      description: secret.repeat(3),
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toContain(secret);
    const rotateBad = await world.request(
      'POST',
      `${base(acct)}/${randomUUID()}/rotate`,
      acct.rootToken,
      { grace_period_seconds: secret },
    );
    expect(rotateBad.statusCode).toBe(400);
    expect(rotateBad.body).not.toContain(secret);
  });

  it('never writes a secret to the logs or to maas.keys.v1', async () => {
    expect(secrets.length).toBeGreaterThan(40);
    await eventually(() => topic.length >= 40);
    const logs = world.logs.join('\n');
    const events = Buffer.concat(topic.flatMap((m) => (m.value ? [m.value] : [])));
    expect(logs.length).toBeGreaterThan(10_000);
    for (const secret of secrets) {
      const body = secret.slice(3);
      expect(logs.includes(body)).toBe(false);
      expect(events.includes(body)).toBe(false);
    }
  });
});
