// The quotas service against the real stack: the usage ledger (10,000 events with
// duplicates), free token quotas (exactly one exhaustion event), quota overrides and
// rate-limit policies, and what it publishes on maas.quotas.v1.
import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_POLICIES } from '@maas/auth';
import {
  ApiKeyChangedSchema,
  ApiKeyDeletedSchema,
  type BuiltEvent,
  type DecodedEvent,
  type EventInput,
  FreeQuotaExhaustedSchema,
  FreeQuotaRestoredSchema,
  parseEvent,
  QuotaLimitsChangedSchema,
  RateLimitPolicyRemovedSchema,
  RateLimitPolicySetSchema,
  ServiceChangedSchema,
  Topic,
  type UsageRecordedSchema,
} from '@maas/events';
import { usageRecorded } from '@maas/service-testing';
import { eventually } from '@maas/testing';
import { ConsumersService } from '../src/consumers.service.js';
import { QuotasWorld, type RawMessage, type TestAccount } from './harness.js';

interface ResourceJson {
  type: string;
  pool_id?: string;
  model?: string;
  quota: number;
  default: number;
  used?: number;
  exhausted?: boolean;
}
interface PolicyJson {
  id: string;
  subject_type: string;
  key_id?: string;
  service_id?: string;
  model: string;
  rpm: number;
  tpm: number;
  qps: number;
  source: string;
}

const FREE_TOKENS = 400_000;
const world = new QuotasWorld({
  DEFAULT_FREE_TOKENS: String(FREE_TOKENS),
  USAGE_BATCH_SIZE: '500',
});
let acct: TestAccount;
let topic: RawMessage[];

const decoded = (): DecodedEvent[] => topic.flatMap((m) => (m.value ? [parseEvent(m.value)] : []));
const ofType = (typeName: string) => decoded().filter((e) => e.type === typeName);

beforeAll(async () => {
  await world.start();
  acct = await world.account();
  topic = await world.collect(Topic.Quotas);
});

afterAll(() => world.close());

/** Publishes what the keys service would for a new key of the account's project. */
async function knownKey(a: TestAccount, project = a.projectId): Promise<string> {
  const keyId = randomUUID();
  await world.producer.publish({
    schema: ApiKeyChangedSchema,
    payload: create(ApiKeyChangedSchema, {
      keyId,
      accountId: a.id,
      projectId: project,
      version: 1n,
    }),
    accountId: a.id,
    projectId: project,
    aggregateType: 'api_key',
    aggregateId: keyId,
  });
  await eventually(
    async () =>
      (await world.rows(`SELECT 1 FROM "${world.schema}".known_keys WHERE key_id = $1`, [keyId]))
        .length === 1,
    { description: 'the key' },
  );
  return keyId;
}

describe('usage ledger', () => {
  it('counts 10,000 usage events published with duplicates exactly, per minute and per day', async () => {
    const keys = [randomUUID(), randomUUID(), randomUUID(), ''];
    const services = ['svc-1', 'svc-2'];
    const models = ['DeepSeek-R1', 'Qwen2.5-72B', 'own-model'];
    const now = Date.now();
    const expected = new Map<string, number[]>();
    let freeDeepSeek = 0;
    const events: EventInput<typeof UsageRecordedSchema>[] = [];
    for (let i = 0; i < 10_000; i++) {
      const keyId = keys[i % keys.length];
      const serviceId = services[i % services.length];
      const model = models[i % models.length];
      const prompt = (i * 7919) % 200;
      const completion = (i * 104_729) % 300;
      // Spread over the last 30 hours: several days and many minutes.
      const occurredAt = new Date(now - ((i * 10_007) % (30 * 3_600_000)));
      const preset = model !== 'own-model';
      if (preset && model === 'DeepSeek-R1') freeDeepSeek += prompt + completion;
      const minute = new Date(Math.floor(occurredAt.getTime() / 60_000) * 60_000).toISOString();
      const id = [minute, keyId, serviceId, model].join('|');
      const sums = expected.get(id) ?? [0, 0, 0, 0];
      expected.set(id, [
        sums[0] + 1,
        sums[1] + prompt,
        sums[2] + completion,
        sums[3] + prompt + completion,
      ]);
      events.push(
        usageRecorded(
          acct,
          {
            keyId,
            serviceId,
            model,
            promptTokens: prompt,
            completionTokens: completion,
            totalTokens: prompt + completion,
            presetService: preset,
          },
          { occurredAt },
        ),
      );
    }
    expect(freeDeepSeek).toBeGreaterThan(FREE_TOKENS); // it will run out on the way
    const built: BuiltEvent[] = [];
    for (let i = 0; i < events.length; i += 1_000)
      built.push(...(await world.producer.publishAll(events.slice(i, i + 1_000))));
    // The same events again (a producer retry, a replay): 1,500 duplicates.
    await world.producer.send(built.slice(2_000, 3_500));

    const ledger = () => world.app.get(ConsumersService).ledgerStats()!;
    await eventually(() => ledger().recorded === 10_000 && ledger().duplicates >= 1_500, {
      timeoutMs: 120_000,
      intervalMs: 250,
      description: 'the ledger to count every event',
    });
    expect(ledger().recorded).toBe(10_000);

    const minutes = await world.rows<{
      m: Date;
      key_id: string;
      service_id: string;
      model: string;
      r: string;
      p: string;
      c: string;
      t: string;
    }>(
      `SELECT minute AS m, key_id, service_id, model, requests AS r, prompt_tokens AS p, completion_tokens AS c, total_tokens AS t
         FROM "${world.schema}".usage_minute WHERE account_id = $1`,
      [acct.id],
    );
    const actual = new Map(
      minutes.map((r) => [
        [r.m.toISOString(), r.key_id, r.service_id, r.model].join('|'),
        [r.r, r.p, r.c, r.t].map(Number),
      ]),
    );
    expect(actual.size).toBe(expected.size);
    expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(expected));

    // The day table and the query API agree with the same events.
    const total = [...expected.values()].reduce((a, s) => a.map((x, i) => x + s[i]), [0, 0, 0, 0]);
    const start = new Date(now - 31 * 3_600_000).toISOString();
    const end = new Date(now + 60_000).toISOString();
    const res = await world.request(
      'GET',
      `/v1/${acct.projectId}/usage?granularity=day&group_by=key_id,model&start=${start}&end=${end}`,
      acct.rootToken,
    );
    expect(res.statusCode).toBe(200);
    const body = res.json<{
      usage: { time: string; key_id: string; model: string; requests: number }[];
      totals: Record<string, number>;
    }>();
    expect(body.totals).toEqual({
      requests: total[0],
      failed_requests: 0, // these events carry no status (0): successful calls
      prompt_tokens: total[1],
      completion_tokens: total[2],
      total_tokens: total[3],
    });
    expect(new Set(body.usage.map((u) => u.time)).size).toBeGreaterThanOrEqual(2);
    expect(body.usage.every((u) => /^\d{4}-\d{2}-\d{2}$/.test(u.time))).toBe(true);
    const perKey = await world.request(
      'GET',
      `/v1/${acct.projectId}/usage?granularity=minute&key_id=${keys[0]}&start=${new Date(now - 3_600_000).toISOString()}`,
      acct.rootToken,
    );
    const expectedKey0 = [...expected.entries()]
      .filter(
        ([id]) => id.split('|')[1] === keys[0] && Date.parse(id.split('|')[0]) >= now - 3_600_000,
      )
      .reduce((n, [, s]) => n + s[0], 0);
    expect(perKey.json<{ totals: { requests: number } }>().totals.requests).toBe(expectedKey0);

    // Free tokens: the preset models each ran out once: exactly one FreeQuotaExhausted each.
    const [usage] = await world.rows<{ used: string; exhausted_at: Date | null }>(
      `SELECT used, exhausted_at FROM "${world.schema}".free_token_usage WHERE project_id = $1 AND model = 'DeepSeek-R1'`,
      [acct.projectId],
    );
    expect(Number(usage.used)).toBe(freeDeepSeek);
    expect(usage.exhausted_at).not.toBeNull();
    const exhausted = await eventually(() => {
      const found = ofType(FreeQuotaExhaustedSchema.typeName).filter(
        (e) => e.projectId === acct.projectId,
      );
      return found.length >= 2 ? found : false; // DeepSeek-R1 and Qwen2.5-72B both run out
    });
    const byModel = exhausted.map((e) => (e.payload as unknown as { model: string }).model).sort();
    expect(byModel).toEqual(['DeepSeek-R1', 'Qwen2.5-72B']);
  });

  it('publishes exactly one FreeQuotaExhausted per exhaustion, and a restoration when raised', async () => {
    const quotas = await world.request('GET', `/v1/${acct.projectId}/quotas`, acct.rootToken);
    const deepseek = quotas
      .json<{ quotas: { resources: ResourceJson[] } }>()
      .quotas.resources.find((r) => r.model === 'DeepSeek-R1')!;
    expect(deepseek).toMatchObject({ quota: FREE_TOKENS, exhausted: true });
    const exhaustedOf = (model: string) =>
      ofType(FreeQuotaExhaustedSchema.typeName).filter(
        (e) => (e.payload as unknown as { model: string }).model === model,
      );
    expect(exhaustedOf('DeepSeek-R1')).toHaveLength(1);

    // Raised above what was used: restored (once); used up again: exhausted once more.
    const raised = deepseek.used! + 1_000;
    const put = await world.asOperator('PUT', `/v1/${acct.projectId}/quotas`, {
      resources: [{ type: 'free_tokens', model: 'DeepSeek-R1', quota: raised }],
    });
    expect(put.statusCode).toBe(200);
    await eventually(() => ofType(FreeQuotaRestoredSchema.typeName).length === 1);
    await world.producer.publishAll(
      Array.from({ length: 20 }, () =>
        usageRecorded(acct, { model: 'DeepSeek-R1', totalTokens: 100, presetService: true }),
      ),
    );
    await eventually(() => exhaustedOf('DeepSeek-R1').length === 2);
    const [row] = await world.rows<{ used: string }>(
      `SELECT used FROM "${world.schema}".free_token_usage WHERE project_id = $1 AND model = 'DeepSeek-R1'`,
      [acct.projectId],
    );
    expect(Number(row.used)).toBe(deepseek.used! + 2_000);
    expect(exhaustedOf('DeepSeek-R1')).toHaveLength(2);
  });
});

describe('quotas', () => {
  it('shows the defaults, takes the operator’s overrides and publishes the account’s limits', async () => {
    const a = await world.account();
    const get = await world.request('GET', `/v1/${a.projectId}/quotas`, a.rootToken);
    expect(get.json<{ quotas: { resources: ResourceJson[] } }>().quotas.resources).toEqual([
      { type: 'api_keys', quota: 30, default: 30, used: 0 },
      { type: 'agencies', quota: 50, default: 50 },
      { type: 'pool_npus', pool_id: '*', quota: 64, default: 64 },
      { type: 'free_tokens', model: '*', quota: FREE_TOKENS, default: FREE_TOKENS },
    ]);
    const put = await world.asOperator('PUT', `/v1/${a.projectId}/quotas`, {
      resources: [
        { type: 'api_keys', quota: 40 },
        { type: 'pool_npus', pool_id: 'pool-a', quota: 16 },
        { type: 'free_tokens', model: 'DeepSeek-R1', quota: 5_000 },
      ],
    });
    expect(put.statusCode).toBe(200);
    const resources = put.json<{ quotas: { resources: ResourceJson[] } }>().quotas.resources;
    expect(resources).toContainEqual({ type: 'api_keys', quota: 40, default: 30, used: 0 });
    expect(resources).toContainEqual({
      type: 'pool_npus',
      pool_id: 'pool-a',
      quota: 16,
      default: 64,
    });
    expect(resources).toContainEqual({
      type: 'free_tokens',
      model: 'DeepSeek-R1',
      quota: 5_000,
      default: FREE_TOKENS,
      used: 0,
      exhausted: false,
    });
    const snapshot = await eventually(
      () => ofType(QuotaLimitsChangedSchema.typeName).find((e) => e.accountId === a.id) ?? false,
    );
    expect(snapshot.payload).toMatchObject({
      accountId: a.id,
      maxApiKeys: 40,
      maxAgencies: 50,
      defaultPoolNpus: 64,
      defaultFreeTokens: BigInt(FREE_TOKENS),
      poolNpus: [{ projectId: a.projectId, poolId: 'pool-a', npus: 16 }],
      freeTokens: [{ projectId: a.projectId, model: 'DeepSeek-R1', tokens: 5_000n }],
      version: 1n,
    });
    // Back to the default.
    await world.asOperator('PUT', `/v1/${a.projectId}/quotas`, {
      resources: [{ type: 'api_keys', quota: null }],
    });
    await eventually(
      () =>
        ofType(QuotaLimitsChangedSchema.typeName).filter((e) => e.accountId === a.id).length === 2,
    );
    const last = ofType(QuotaLimitsChangedSchema.typeName).filter((e) => e.accountId === a.id)[1];
    expect(last.payload).toMatchObject({ maxApiKeys: 30, version: 2n });
  });

  it('refuses bad overrides, and overrides by any tenant however privileged', async () => {
    const url = `/v1/${acct.projectId}/quotas`;
    for (const resources of [
      [{ type: 'pool_npus', quota: 1 }],
      [{ type: 'api_keys', model: 'x', quota: 1 }],
      [{ type: 'free_tokens', quota: 1 }],
      [{ type: 'nope', quota: 1 }],
      [{ type: 'api_keys', quota: -1 }],
      [{ type: 'api_keys', quota: 1.5 }],
      [],
    ]) {
      const res = await world.asOperator('PUT', url, { resources });
      expect(res.statusCode, JSON.stringify(resources)).toBe(400);
    }
    const reader = await world.user(acct, {
      policies: [
        {
          Version: '1.1',
          Statement: [{ Effect: 'Allow', Action: ['modelarts:quota:get', 'modelarts:usage:get'] }],
        },
      ],
    });
    expect((await world.request('GET', url, reader)).statusCode).toBe(200);
    expect((await world.request('GET', `/v1/${acct.projectId}/usage`, reader)).statusCode).toBe(
      200,
    );
    // Quota overrides are the platform operator's: no tenant token raises a limit, not even
    // the root user's or one whose policies allow modelarts:quota:update (FullAccess,
    // CommonOperations: modelarts:*:*).
    const tenants = [
      reader,
      acct.rootToken,
      await world.user(acct, { policies: [world.fullAccess()] }),
      await world.user(acct, { policies: [SYSTEM_POLICIES['ModelArts CommonOperations']] }),
    ];
    const raise = { resources: [{ type: 'api_keys', quota: 99 }] };
    for (const token of tenants) {
      const refused = await world.request('PUT', url, token, raise);
      expect(refused.statusCode).toBe(401);
      expect(refused.json<{ error_code: string }>().error_code).toBe('IAM.0104');
    }
    const guessed = await world.request('PUT', url, {
      headers: { 'x-operator-token': 'guess-guess-guess-guess-guess' },
      body: raise,
    });
    expect(guessed.statusCode).toBe(401);
    const apiKeys = (await world.request('GET', url, reader))
      .json<{ quotas: { resources: ResourceJson[] } }>()
      .quotas.resources.find((r) => r.type === 'api_keys');
    expect(apiKeys).toMatchObject({ quota: 30, default: 30 });
    // The operator names a project the service knows (from maas.iam.v1).
    const unknown = await world.asOperator('PUT', `/v1/${randomUUID()}/quotas`, raise);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json<{ error_code: string }>().error_code).toBe('IAM.0004');
    expect((await world.request('GET', url)).statusCode).toBe(401);
  });
});

describe('rate-limit policies', () => {
  it('sets RPM/TPM per key and model, publishes them, removes them with the key', async () => {
    const keyId = await knownKey(acct);
    const url = `/v1/${acct.projectId}/rate-limit-policies`;
    const all = await world.request('PUT', url, acct.rootToken, {
      key_id: keyId,
      rpm: 600,
      tpm: 100_000,
    });
    const perModel = await world.request('PUT', url, acct.rootToken, {
      key_id: keyId,
      model: 'DeepSeek-R1',
      rpm: 60,
      tpm: 0,
    });
    expect([all.statusCode, perModel.statusCode]).toEqual([200, 200]);
    const replaced = await world.request('PUT', url, acct.rootToken, {
      key_id: keyId,
      rpm: 1_200,
      tpm: 100_000,
    });
    expect(replaced.json<PolicyJson>().id).toBe(all.json<PolicyJson>().id);
    const listed = (await world.request('GET', url, acct.rootToken)).json<{
      policies: PolicyJson[];
    }>().policies;
    expect(listed.map((p) => [p.key_id, p.model, p.rpm, p.tpm, p.source])).toEqual([
      [keyId, '', 1_200, 100_000, 'admin'],
      [keyId, 'DeepSeek-R1', 60, 0, 'admin'],
    ]);
    const sets = await eventually(() => {
      const s = ofType(RateLimitPolicySetSchema.typeName).filter(
        (e) => e.aggregateId === all.json<PolicyJson>().id,
      );
      return s.length === 2 ? s : false;
    });
    expect(sets[1].payload).toMatchObject({
      subject: { case: 'keyId', value: keyId },
      rpm: 1_200,
      tpm: 100_000,
      version: 2n,
    });

    // Refused: no limit at all, a key of another tenant, a key of another project, unknown keys.
    expect(
      (await world.request('PUT', url, acct.rootToken, { key_id: keyId, rpm: 0, tpm: 0 }))
        .statusCode,
    ).toBe(400);
    const other = await world.account();
    const theirs = await knownKey(other);
    expect(
      (await world.request('PUT', url, acct.rootToken, { key_id: theirs, rpm: 1, tpm: 1 }))
        .statusCode,
    ).toBe(404);
    const elsewhere = await knownKey(acct, acct.otherProjectId);
    expect(
      (await world.request('PUT', url, acct.rootToken, { key_id: elsewhere, rpm: 1, tpm: 1 }))
        .statusCode,
    ).toBe(404);
    expect(
      (await world.request('PUT', url, acct.rootToken, { key_id: randomUUID(), rpm: 1, tpm: 1 }))
        .statusCode,
    ).toBe(404);

    // An admin removes one: RateLimitPolicyRemoved, then a tombstone.
    const modelPolicy = perModel.json<PolicyJson>().id;
    expect(
      (await world.request('DELETE', `${url}/${modelPolicy}`, acct.rootToken)).statusCode,
    ).toBe(204);
    expect(
      (await world.request('DELETE', `${url}/${modelPolicy}`, acct.rootToken)).statusCode,
    ).toBe(404);
    await eventually(() => {
      const mine = topic.filter((m) => m.key === modelPolicy);
      return (
        mine.length === 3 &&
        mine[2].value === null &&
        parseEvent(mine[1].value!).type === RateLimitPolicyRemovedSchema.typeName
      );
    });

    // The key is deleted (maas.keys.v1): its remaining policy goes too.
    await world.producer.publish({
      schema: ApiKeyDeletedSchema,
      payload: create(ApiKeyDeletedSchema, {
        keyId,
        accountId: acct.id,
        projectId: acct.projectId,
        version: 2n,
      }),
      accountId: acct.id,
      projectId: acct.projectId,
      aggregateType: 'api_key',
      aggregateId: keyId,
    });
    await eventually(
      async () =>
        (await world.request('GET', url, acct.rootToken)).json<{ policies: PolicyJson[] }>()
          .policies.length === 0,
    );
    await eventually(() =>
      ofType(RateLimitPolicyRemovedSchema.typeName).some(
        (e) => e.aggregateId === all.json<PolicyJson>().id,
      ),
    );
  });

  it('follows services’ QPS from maas.deployments.v1 and republishes it for the gateway', async () => {
    const serviceId = randomUUID();
    const snapshot = (version: bigint, qps: number, deleted = false) => ({
      schema: ServiceChangedSchema,
      payload: create(ServiceChangedSchema, {
        serviceId,
        accountId: acct.id,
        projectId: acct.projectId,
        name: 'svc',
        qps,
        deleted,
        version,
      }),
      accountId: acct.id,
      projectId: acct.projectId,
      aggregateType: 'service',
      aggregateId: serviceId,
    });
    const qpsSets = () =>
      ofType(RateLimitPolicySetSchema.typeName).filter(
        (e) => (e.payload as unknown as { subject: { value: string } }).subject.value === serviceId,
      );
    await world.producer.publish(snapshot(1n, 10));
    await eventually(() => qpsSets().length === 1);
    // Set QPS (v2), then a stale snapshot (v1) and an unchanged one (v3): one more event only.
    await world.producer.publish(snapshot(2n, 25));
    await world.producer.publish(snapshot(1n, 10));
    await world.producer.publish(snapshot(3n, 25));
    await eventually(() => qpsSets().length === 2);
    // A tombstone on maas.keys.v1 (a deleted key's last message) is skipped, not a failure:
    // the next key event is still applied.
    const raw = world.kafka.producer();
    await raw.connect();
    await raw.send({
      topic: world.topic(Topic.Keys),
      messages: [{ key: randomUUID(), value: null }],
    });
    await raw.disconnect();
    await knownKey(acct);
    const url = `/v1/${acct.projectId}/rate-limit-policies`;
    const service = await eventually(async () => {
      const p = (await world.request('GET', url, acct.rootToken))
        .json<{ policies: PolicyJson[] }>()
        .policies.find((x) => x.service_id === serviceId);
      return p?.qps === 25 ? p : false;
    });
    expect(service).toMatchObject({ subject_type: 'service', qps: 25, source: 'deployments' });
    expect(qpsSets().map((e) => (e.payload as unknown as { qps: number }).qps)).toEqual([10, 25]);
    expect((await world.request('DELETE', `${url}/${service.id}`, acct.rootToken)).statusCode).toBe(
      409,
    );

    await world.producer.publish(snapshot(4n, 25, true));
    await eventually(() =>
      ofType(RateLimitPolicyRemovedSchema.typeName).some((e) => e.aggregateId === service.id),
    );
  });
});

describe('operating it', () => {
  it('serves health, the OpenAPI document and metrics', async () => {
    expect((await world.request('GET', '/health/live')).statusCode).toBe(200);
    expect((await world.request('GET', '/health/ready')).statusCode).toBe(200);
    const doc = (await world.request('GET', '/openapi.json')).json<{
      paths: Record<string, unknown>;
    }>();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/{project_id}/quotas',
        '/v1/{project_id}/rate-limit-policies',
        '/v1/{project_id}/rate-limit-policies/{policy_id}',
        '/v1/{project_id}/usage',
      ]),
    );
    const quotas = (
      doc as unknown as {
        paths: Record<string, Record<string, { security?: Record<string, unknown>[] }>>;
      }
    ).paths['/v1/{project_id}/quotas'];
    expect(quotas.get.security).toEqual([{ 'X-Auth-Token': [] }]);
    expect(quotas.put.security).toEqual([{ 'X-Operator-Token': [] }]);
    expect((await world.request('GET', '/metrics')).body).toContain('http_request');
  });
});
