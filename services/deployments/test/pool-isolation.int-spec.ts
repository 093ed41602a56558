// Tenant isolation of dedicated pools on the real stack (SPEC §4; docs/operators.md
// "Dedicated nodes per account"): two tenants, each with KWOK nodes the operator assigned to
// its account (label maas.io/account). The second tenant tries every way through the pool
// API — another account's label, selector, taint, resource name, the update of an existing
// pool, a selector edited by hand in the database, a node reassigned under its running pod —
// and never gets a pod onto the first tenant's nodes; neither sees the other's pods in its
// capacity. The real reconciler and kube-scheduler place the pods.
import { type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@maas/testing';
import { deployBody, type ErrorJson, Harness, type Tenant } from './harness.js';
import { ACCOUNT_LABEL, apps, core, KwokPool, removeLease, removeNamespace } from './kwok.js';

const h = new Harness();
const leaseName = `lease-${h.schema.replaceAll('_', '-')}`;
const nodesA = new KwokPool({ nodes: 2, npusPerNode: 8 });
const nodesB = new KwokPool({ nodes: 1, npusPerNode: 8 });
let a: Tenant;
let b: Tenant;
let poolA: { id: string };

interface PoolJson {
  id: string;
  node_selector: Record<string, string>;
  capacity: { npus: number; requested_npus: number; total_nodes: number } | null;
}

const poolsUrl = (t: Tenant, id?: string) => `/v1/${t.projectId}/pools${id ? `/${id}` : ''}`;
let seq = 0;
const flavors = ['ascend-910b-1'];

async function createPool(t: Tenant, fields: Record<string, unknown>): Promise<PoolJson> {
  const res = await h.request('POST', poolsUrl(t), t.token, {
    name: `iso-${++seq}`,
    flavors,
    ...fields,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<PoolJson>();
}

const capacityOf = async (t: Tenant, id: string) => {
  const pool = (await h.request('GET', poolsUrl(t, id), t.token)).json<PoolJson>();
  if (!pool.capacity) throw new Error('capacity not readable');
  return pool.capacity;
};

async function deploy(t: Tenant, poolId: string, instances = 1): Promise<string> {
  const res = await h.request(
    'POST',
    `/v1/${t.projectId}/services`,
    t.token,
    deployBody(poolId, {}, { instance_count: instances }),
  );
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ service_id: string }>().service_id;
}

async function running(t: Tenant, id: string): Promise<void> {
  await eventually(
    async () => {
      const s = await h.request('GET', `/v1/${t.projectId}/services/${id}`, t.token);
      return s.json<{ status: string }>().status === 'running';
    },
    { timeoutMs: 30_000, intervalMs: 200, description: `service ${id} running` },
  );
}

const podsOf = async (t: Tenant, serviceId: string): Promise<V1Pod[]> =>
  (
    await core.listNamespacedPod({
      namespace: `maas-${t.projectId}`,
      labelSelector: `maas.io/service-id=${serviceId}`,
    })
  ).items.filter((p) => !p.metadata?.deletionTimestamp);

const onNodesOf = (pods: V1Pod[], nodes: KwokPool) =>
  pods.filter((p) => nodes.nodeNames.includes(p.spec?.nodeName ?? ''));

const unschedulable = (pod: V1Pod) =>
  !pod.spec?.nodeName &&
  (pod.status?.conditions ?? []).some(
    (c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable',
  );

/** The pod template the reconciler applied for the service. */
async function templateOf(t: Tenant, serviceId: string) {
  const d = await apps.readNamespacedDeployment({
    name: `ms-${serviceId}`,
    namespace: `maas-${t.projectId}`,
  });
  return d.spec?.template.spec;
}

beforeAll(async () => {
  await Promise.all([nodesA.create(), nodesB.create()]);
  await h.start({
    RECONCILER: 'true',
    RECONCILER_LEASE_NAME: leaseName,
    RECONCILER_LEASE_DURATION_MS: '3000',
    RECONCILER_RENEW_DEADLINE_MS: '2000',
    RECONCILER_RETRY_PERIOD_MS: '500',
    RECONCILER_POLL_MS: '2000',
  });
  a = await h.tenant({ accountId: nodesA.accountId });
  b = await h.tenant({ accountId: nodesB.accountId });
  poolA = await createPool(a, nodesA.poolFields);
}, 120_000);

afterAll(async () => {
  await h.stop();
  await Promise.all([
    removeNamespace(`maas-${a?.projectId}`),
    removeNamespace(`maas-${b?.projectId}`),
  ]);
  await Promise.all([nodesA.delete(), nodesB.delete()]);
  await removeLease(leaseName);
});

describe('the account label is the operator’s', () => {
  it("refuses another account's label in node_selector or taint, on create and on update (400)", async () => {
    const label = await h.request('POST', poolsUrl(b), b.token, {
      name: 'steal-label',
      flavors,
      node_selector: { 'maas.io/pool': nodesA.label, [ACCOUNT_LABEL]: a.accountId },
    });
    expect(label.statusCode).toBe(400);
    expect(label.json<ErrorJson>()).toMatchObject({
      error_code: 'DEPLOY.0504',
      details: { fields: [{ field: `node_selector.${ACCOUNT_LABEL}` }] },
    });
    const taint = await h.request('POST', poolsUrl(b), b.token, {
      name: 'steal-taint',
      flavors,
      taint: { key: ACCOUNT_LABEL, value: a.accountId, effect: 'NoSchedule' },
    });
    expect(taint.statusCode).toBe(400);
    expect(taint.json<ErrorJson>().details?.fields?.map((f) => f.field)).toEqual(['taint.value']);

    const own = await createPool(b, nodesB.poolFields);
    // The selector really used is shown: the tenant's labels AND its own account.
    expect(own.node_selector).toEqual({
      'maas.io/pool': nodesB.label,
      [ACCOUNT_LABEL]: b.accountId,
    });
    const update = await h.request('PUT', poolsUrl(b, own.id), b.token, {
      node_selector: { [ACCOUNT_LABEL]: a.accountId },
    });
    expect(update.statusCode).toBe(400);
    const updateTaint = await h.request('PUT', poolsUrl(b, own.id), b.token, {
      taint: { key: ACCOUNT_LABEL, value: a.accountId, effect: 'NoExecute' },
    });
    expect(updateTaint.statusCode).toBe(400);
    // Its own account id is accepted (a GET body can be PUT back).
    const back = await h.request('PUT', poolsUrl(b, own.id), b.token, {
      node_selector: own.node_selector,
    });
    expect(back.statusCode, back.body).toBe(200);
    expect((await capacityOf(b, own.id)).total_nodes).toBe(1);
  });
});

describe("a pool only ever sees its own account's nodes", () => {
  it('whatever selector, taint or resource name it sends, on create or update', async () => {
    const aTaint = nodesA.poolFields.taint;
    const combos: Record<string, unknown>[] = [
      nodesA.poolFields, // A's label, A's taint, the NPU resource
      { node_selector: { 'kubernetes.io/hostname': nodesA.nodeNames[0] }, taint: aTaint },
      { node_selector: { 'maas.io/pool': nodesA.label }, taint: null },
      { ...nodesA.poolFields, npu_resource_name: 'huawei.com/ascend-1980' },
      { ...nodesA.poolFields, npu_resource_name: 'example.com/anything' },
    ];
    for (const fields of combos) {
      const pool = await createPool(b, fields);
      expect(await capacityOf(b, pool.id), JSON.stringify(fields)).toMatchObject({
        npus: 0,
        total_nodes: 0,
      });
    }
    // A selector matching every KWOK node of the cluster counts only B's one node.
    const broad = await createPool(b, { node_selector: { type: 'kwok' }, taint: aTaint });
    expect(await capacityOf(b, broad.id)).toMatchObject({ npus: 8, total_nodes: 1 });
    // Updating B's own pool to A's nodes: none of them.
    const own = await createPool(b, nodesB.poolFields);
    const moved = await h.request('PUT', poolsUrl(b, own.id), b.token, nodesA.poolFields);
    expect(moved.statusCode, moved.body).toBe(200);
    expect(await capacityOf(b, own.id)).toMatchObject({ npus: 0, total_nodes: 0 });
    // A sees its 2 nodes.
    expect(await capacityOf(a, poolA.id)).toMatchObject({ npus: 16, total_nodes: 2 });
  });
});

describe("B's pods never land on A's nodes; neither counts the other's pods", () => {
  let ownB: PoolJson;
  let serviceA: string;
  let serviceB: string;

  it('each runs on its own nodes and counts only its own pods', async () => {
    ownB = await createPool(b, nodesB.poolFields);
    serviceA = await deploy(a, poolA.id, 2);
    serviceB = await deploy(b, ownB.id, 1);
    await Promise.all([running(a, serviceA), running(b, serviceB)]);
    expect(onNodesOf(await podsOf(a, serviceA), nodesA)).toHaveLength(2);
    expect(onNodesOf(await podsOf(b, serviceB), nodesB)).toHaveLength(1);
    expect(await capacityOf(a, poolA.id)).toMatchObject({ npus: 16, requested_npus: 2 });
    expect(await capacityOf(b, ownB.id)).toMatchObject({ npus: 8, requested_npus: 1 });
    const spec = await templateOf(b, serviceB);
    expect(spec?.nodeSelector?.[ACCOUNT_LABEL]).toBe(b.accountId);
    expect(
      spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution
        ?.nodeSelectorTerms,
    ).toEqual([
      { matchExpressions: [{ key: ACCOUNT_LABEL, operator: 'In', values: [b.accountId] }] },
    ]);
  });

  it("a deploy onto a pool aimed at A's nodes is refused: the pool has no node", async () => {
    const aimed = await createPool(b, nodesA.poolFields);
    const res = await h.request(
      'POST',
      `/v1/${b.projectId}/services`,
      b.token,
      deployBody(aimed.id),
    );
    expect(res.statusCode).toBe(400);
    expect(res.json<ErrorJson>().error_code).toBe('DEPLOY.0405');
  });

  it("repointing B's pool at A's nodes (API update) leaves the new pod unschedulable", async () => {
    const res = await h.request('PUT', poolsUrl(b, ownB.id), b.token, nodesA.poolFields);
    expect(res.statusCode, res.body).toBe(200);
    // The reconciler follows the pool: the template now names A's label — and B's account.
    await eventually(
      async () => (await templateOf(b, serviceB))?.nodeSelector?.['maas.io/pool'] === nodesA.label,
      { timeoutMs: 20_000, description: 'the Deployment re-rendered with the new selector' },
    );
    expect((await templateOf(b, serviceB))?.nodeSelector?.[ACCOUNT_LABEL]).toBe(b.accountId);
    // The rolling update's new pod is considered by the scheduler and fits nowhere.
    const pending = await eventually(
      async () => {
        const pods = await podsOf(b, serviceB);
        const found = pods.find(unschedulable);
        if (!found) throw new Error(`no unschedulable pod yet: ${pods.length} pods`);
        return found;
      },
      { timeoutMs: 30_000, description: 'the new pod unschedulable' },
    );
    expect(pending.spec?.nodeName).toBeUndefined();
    expect(onNodesOf(await podsOf(b, serviceB), nodesA)).toEqual([]);
    // A's capacity still counts only A's two pods.
    expect(await capacityOf(a, poolA.id)).toMatchObject({ requested_npus: 2 });
  });

  it("a selector edited by hand in the database to name A's account still cannot escape", async () => {
    await h.db.query(
      `UPDATE "${h.schema}".pools SET node_selector = $1::jsonb, taint = $2::jsonb,
         version = version + 1 WHERE id = $3`,
      [
        JSON.stringify({
          'kubernetes.io/hostname': nodesA.nodeNames[0],
          [ACCOUNT_LABEL]: a.accountId,
        }),
        JSON.stringify(nodesA.poolFields.taint),
        ownB.id,
      ],
    );
    // The pool is read again (NOTIFY), and the account stays B's in the selector and the affinity.
    const spec = await eventually(
      async () => {
        const s = await templateOf(b, serviceB);
        if (s?.nodeSelector?.['kubernetes.io/hostname'] !== nodesA.nodeNames[0])
          throw new Error('not re-rendered yet');
        return s;
      },
      { timeoutMs: 20_000, description: 'the Deployment after the hand edit' },
    );
    expect(spec.nodeSelector?.[ACCOUNT_LABEL]).toBe(b.accountId);
    expect(
      spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution
        ?.nodeSelectorTerms?.[0].matchExpressions,
    ).toEqual([{ key: ACCOUNT_LABEL, operator: 'In', values: [b.accountId] }]);
    // The capacity read ignores the edited account value too.
    expect(await capacityOf(b, ownB.id)).toMatchObject({ npus: 0, total_nodes: 0 });
    await eventually(async () => (await podsOf(b, serviceB)).some(unschedulable), {
      timeoutMs: 30_000,
      description: 'still unschedulable',
    });
    expect(onNodesOf(await podsOf(b, serviceB), nodesA)).toEqual([]);
  });

  it('a pod on a node the operator reassigns to A is evicted, and A never counts it', async () => {
    const [oldPod] = onNodesOf(await podsOf(b, serviceB), nodesB);
    expect(oldPod).toBeDefined();
    const node = nodesB.nodeNames[0];
    const relabel = (account: string) =>
      core.patchNode({
        name: node,
        body: [{ op: 'replace', path: `/metadata/labels/maas.io~1account`, value: account }],
      });
    await relabel(a.accountId);
    try {
      await eventually(
        async () => !(await podsOf(b, serviceB)).some((p) => p.spec?.nodeName === node),
        { timeoutMs: 30_000, description: "B's pod evicted from the reassigned node" },
      );
      expect(onNodesOf(await podsOf(b, serviceB), nodesA)).toEqual([]);
      expect(await capacityOf(a, poolA.id)).toMatchObject({ npus: 16, requested_npus: 2 });
    } finally {
      await relabel(b.accountId);
    }
  });
});
