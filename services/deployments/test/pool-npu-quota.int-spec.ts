// The pool_npus quota at admission (SPEC §7, src/quota-limits/): a deploy, start or scale-out
// that would take the project's services in a pool past its NPU quota is refused at once
// with 403 DEPLOY.0407 — no queued service. The limit is DEFAULT_POOL_NPUS until the quotas
// service publishes the account's limits on maas.quotas.v1 (QuotaLimitsChanged: a default per
// pool and (project, pool) overrides), which the test publishes as the quotas service would.
import { create } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QuotaLimitsChangedSchema } from '@maas/events';
import { eventually } from '@maas/testing';
import { createPool, deployBody, type ErrorJson, Harness, type Tenant } from './harness.js';
import { stackPoolsAccount } from './kwok.js';

const h = new Harness();
let t: Tenant;
let pool: { id: string; name: string };

const servicesUrl = (id?: string) => `/v1/${t.projectId}/services${id ? `/${id}` : ''}`;

function deploy(instances: number) {
  return h.request(
    'POST',
    servicesUrl(),
    t.token,
    deployBody(pool.id, {}, { instance_count: instances }),
  );
}

async function deployed(instances: number): Promise<string> {
  const res = await deploy(instances);
  expect(res.statusCode).toBe(201);
  return res.json<{ service_id: string }>().service_id;
}

async function serviceCount(): Promise<number> {
  const [row] = await h.db.query<{ n: string }[]>(
    `SELECT count(*) AS n FROM "${h.schema}".model_services WHERE project_id = $1`,
    [t.projectId],
  );
  return Number(row.n);
}

function expectQuotaRefusal(
  res: { statusCode: number; json: <T>() => T },
  figures: { quota: number; held: number; requested: number },
) {
  expect(res.statusCode).toBe(403);
  const body = res.json<ErrorJson>();
  expect(body.error_code).toBe('DEPLOY.0407');
  expect(body.error_msg).toContain(`at most ${figures.quota} NPUs`);
  expect(body.error_msg).toContain(pool.name);
  expect(body.details).toMatchObject({ pool_id: pool.id, project_id: t.projectId, ...figures });
}

async function running(id: string): Promise<void> {
  await h.observe(id, { type: 'admitted' });
  await h.observe(id, { type: 'all_ready' });
}

const put = (id: string, body: unknown) => h.request('PUT', servicesUrl(id), t.token, body);
const scale = (id: string, body: unknown) =>
  h.request('POST', `${servicesUrl(id)}/scale`, t.token, body);

beforeAll(async () => {
  await h.start({ DEFAULT_POOL_NPUS: '3' });
  t = await h.tenant({
    policies: ['ModelArts FullAccess'],
    authorized: true,
    accountId: await stackPoolsAccount(),
  });
  pool = await createPool(h, t, 'pool-a'); // 4 nodes × 8 NPUs: the pool has room, the quota not
});

afterAll(() => h.stop());

describe('the pool_npus quota', () => {
  it('refuses a deploy beyond DEFAULT_POOL_NPUS while the quotas service published nothing', async () => {
    await deployed(2);
    const before = await serviceCount();
    expectQuotaRefusal(await deploy(2), { quota: 3, held: 2, requested: 2 });
    expect(await serviceCount()).toBe(before); // refused, not queued
  });

  it('takes the project’s quota in the pool from maas.quotas.v1 and holds deploy, scale and start to it', async () => {
    await h.producer.publish({
      schema: QuotaLimitsChangedSchema,
      payload: create(QuotaLimitsChangedSchema, {
        accountId: t.accountId,
        maxApiKeys: 30,
        maxAgencies: 50,
        defaultPoolNpus: 64,
        poolNpus: [{ projectId: t.projectId, poolId: pool.id, npus: 7 }],
        version: 1n,
      }),
      accountId: t.accountId,
      aggregateType: 'quota_limits',
      aggregateId: t.accountId,
    });
    // The service of the first test holds 2 NPUs.
    const a = await eventually(
      async () => {
        const res = await deploy(3);
        return res.statusCode === 201 ? res.json<{ service_id: string }>().service_id : undefined;
      },
      { timeoutMs: 30_000, description: 'the quota of 7 in force (2 + 3 fit)' },
    );
    expectQuotaRefusal(await deploy(3), { quota: 7, held: 5, requested: 3 });

    // Scale-out: a (3 NPUs) to 6 would make 2 + 6; to 5 makes 2 + 5 = 7.
    await running(a);
    expectQuotaRefusal(await scale(a, { instance_count: 6 }), { quota: 7, held: 2, requested: 6 });
    expect((await scale(a, { instance_count: 5 })).statusCode).toBeLessThan(300);
    await h.observe(a, { type: 'all_ready' });

    // Start: stopping a releases its 5; a new 4-NPU service takes them; a's start is refused.
    expect((await put(a, { status: 'stopped' })).statusCode).toBeLessThan(300);
    await h.observe(a, { type: 'pods_gone' });
    const c = await deployed(4);
    expectQuotaRefusal(await put(a, { status: 'running' }), {
      quota: 7,
      held: 6,
      requested: 5,
    });
    // Deleting c frees room: a starts again.
    const deleted = await h.request('DELETE', servicesUrl(c), t.token, { confirm: 'DELETE' });
    expect(deleted.statusCode).toBeLessThan(300);
    expect((await put(a, { status: 'running' })).statusCode).toBeLessThan(300);
  });

  it('applies limits in version order (an older snapshot changes nothing)', async () => {
    const [row] = await h.db.query<{ version: string }[]>(
      `SELECT version FROM "${h.schema}".pool_npu_limits WHERE account_id = $1`,
      [t.accountId],
    );
    expect(row.version).toBe('1');
    const stale = {
      schema: QuotaLimitsChangedSchema,
      payload: create(QuotaLimitsChangedSchema, {
        accountId: t.accountId,
        defaultPoolNpus: 1000,
        version: 0n,
      }),
      accountId: t.accountId,
      aggregateType: 'quota_limits',
      aggregateId: t.accountId,
    };
    const fresh = {
      ...stale,
      payload: create(QuotaLimitsChangedSchema, {
        accountId: t.accountId,
        defaultPoolNpus: 64,
        poolNpus: [{ projectId: t.projectId, poolId: pool.id, npus: 8 }],
        version: 2n,
      }),
    };
    await h.producer.publish(fresh);
    const { eventId } = (await h.producer.publish(stale)).envelope;
    // The stale one is handled (in the inbox) after the fresh one: same account, same partition.
    await eventually(
      async () =>
        (
          await h.db.query<unknown[]>(
            `SELECT 1 FROM "${h.schema}".inbox WHERE consumer = 'deployments.quotas' AND event_id = $1`,
            [eventId],
          )
        ).length === 1,
      { timeoutMs: 30_000, description: 'the stale snapshot handled' },
    );
    const rows = await h.db.query<{ version: string; pool_npus: { npus: number }[] }[]>(
      `SELECT version, pool_npus FROM "${h.schema}".pool_npu_limits WHERE account_id = $1`,
      [t.accountId],
    );
    expect(rows[0]).toMatchObject({ version: '2', pool_npus: [{ npus: 8 }] });
  });
  it('lets exactly one of several concurrent deploys take the last NPUs', async () => {
    // The quota is 8 now (the previous test's limits): room for exactly one of these. More
    // requests than the service's database pool has connections: none may wait for a second one.
    const held = Number(
      (
        await h.db.query<{ npus: string }[]>(
          `SELECT coalesce(sum(instances * npus_per_instance), 0) AS npus FROM "${h.schema}".model_services
            WHERE project_id = $1 AND pool_id = $2 AND state <> ALL($3::text[])`,
          [t.projectId, pool.id, ['stopped', 'deployment_failed', 'deleting']],
        )
      )[0].npus,
    );
    const before = await serviceCount();
    const answers = await Promise.all(Array.from({ length: 40 }, () => deploy(8 - held)));
    const codes = answers.map((a) => a.statusCode).sort();
    expect(codes).toEqual([201, ...Array<number>(39).fill(403)]);
    expect(await serviceCount()).toBe(before + 1);
  });
});
