// Model Square and resource pools on the real stack: the IAM guard (CommonOperations may not
// create pools, FullAccess may; another account's project is a 404), pool validation, and
// capacity read live from the real kube-apiserver (KWOK's fake Ascend nodes).
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, uniqueName } from '@maas/testing';
import { createPool, type ErrorJson, Harness, stack, type Tenant } from './harness.js';
import { stackPoolsAccount } from './kwok.js';

const h = new Harness();
let admin: Tenant; // ModelArts FullAccess
let operator: Tenant; // ModelArts CommonOperations, same account

interface PoolJson {
  id: string;
  name: string;
  region: string;
  node_selector: Record<string, string>;
  taint: { key: string; value: string; effect: string } | null;
  npu_resource_name: string;
  flavors: { id: string; npus_per_instance: number }[];
  capacity: {
    npus: number;
    free_npus: number;
    requested_npus: number;
    ready_nodes: number;
    total_nodes: number;
  } | null;
}

beforeAll(async () => {
  await h.start();
  // The stack's pool-a/pool-b nodes are assigned to one account: the admin's.
  admin = await h.tenant({
    policies: ['ModelArts FullAccess'],
    accountId: await stackPoolsAccount(),
  });
  operator = await h.tenant({
    policies: ['ModelArts CommonOperations'],
    accountId: admin.accountId,
  });
  // Same account, same project: the operator gets a token for the admin's project.
  operator = { ...operator, projectId: admin.projectId };
});

afterAll(() => h.stop());

describe('Model Square', () => {
  it('lists models with filters and name search', async () => {
    const url = `/v1/${admin.projectId}/models`;
    const all = (await h.request('GET', url, admin.token)).json<{ total: number }>();
    expect(all.total).toBe(9);
    const deepseek = await h.request('GET', `${url}?series=deepseek`, admin.token);
    expect(deepseek.statusCode).toBe(200);
    const names = deepseek.json<{ models: { name: string }[] }>().models.map((m) => m.name);
    expect(names.length).toBeGreaterThan(0);
    expect(names.every((n) => /deepseek/i.test(n))).toBe(true);
    const long = await h.request('GET', `${url}?context_length=ge_16k&name=qwq`, admin.token);
    const qwq = long.json<{ models: { id: string; variants: { context_length: number }[] }[] }>();
    expect(qwq.models.map((m) => m.id)).toEqual(['qwq-32b']);
    expect(qwq.models[0].variants.every((v) => v.context_length >= 16_384)).toBe(true);
    const image = await h.request('GET', `${url}?type=image_understanding`, admin.token);
    expect(image.json<{ models: { id: string }[] }>().models.map((m) => m.id)).toEqual([
      'qwen2.5-vl-7b',
    ]);
    const bad = await h.request('GET', `${url}?context_length=huge`, admin.token);
    expect(bad.statusCode).toBe(400);
  });

  it('shows a model with its versions, variants and flavors; 404 for an unknown one', async () => {
    const res = await h.request('GET', `/v1/${admin.projectId}/models/deepseek-r1`, admin.token);
    expect(res.statusCode).toBe(200);
    const model = res.json<{
      versions: { version: string }[];
      variants: { id: string; context_length: number }[];
      flavors: { id: string; nodes_per_instance: number }[];
    }>();
    expect(model.versions.map((v) => v.version)).toEqual(['1.0.0', '1.1.0']);
    expect(model.variants.map((v) => [v.id, v.context_length])).toEqual([
      ['8k', 8192],
      ['16k', 16384],
      ['32k', 32768],
    ]);
    expect(model.flavors.map((f) => f.nodes_per_instance)).toEqual([2, 4]);
    const missing = await h.request('GET', `/v1/${admin.projectId}/models/gpt-9`, admin.token);
    expect(missing.statusCode).toBe(404);
    expect(missing.json<ErrorJson>().error_code).toBe('DEPLOY.0101');
  });

  it('needs a token, and the caller’s own project', async () => {
    expect((await h.request('GET', `/v1/${admin.projectId}/models`, undefined)).statusCode).toBe(
      401,
    );
    const stranger = await h.tenant();
    const res = await h.request('GET', `/v1/${admin.projectId}/models`, stranger.token);
    expect(res.statusCode).toBe(404);
  });
});

describe('resource pools: who may manage them', () => {
  it('refuses pool creation to CommonOperations (403) and allows it to FullAccess', async () => {
    const body = { name: 'common-ops', flavors: ['ascend-910b-1'] };
    const refused = await h.request(
      'POST',
      `/v1/${operator.projectId}/pools`,
      operator.token,
      body,
    );
    expect(refused.statusCode).toBe(403);
    expect(refused.json<ErrorJson>().error_msg).toContain('modelarts:pool:create');

    const created = await h.request('POST', `/v1/${admin.projectId}/pools`, admin.token, body);
    expect(created.statusCode).toBe(201);
    const pool = created.json<PoolJson>();
    // Defaults: the installation's region, maas.io/pool=<name> label and taint, Ascend910.
    expect(pool).toMatchObject({
      name: 'common-ops',
      region: 'cn-southwest-2',
      node_selector: { 'maas.io/pool': 'common-ops' },
      taint: { key: 'maas.io/pool', value: 'common-ops', effect: 'NoSchedule' },
      npu_resource_name: 'huawei.com/Ascend910',
    });
    // No node carries that label: an empty pool, read live.
    expect(pool.capacity).toMatchObject({ npus: 0, free_npus: 0, total_nodes: 0 });

    // CommonOperations may read pools, not change or delete them.
    const url = `/v1/${admin.projectId}/pools/${pool.id}`;
    expect((await h.request('GET', url, operator.token)).statusCode).toBe(200);
    expect((await h.request('PUT', url, operator.token, { description: 'x' })).statusCode).toBe(
      403,
    );
    const del = await h.request('DELETE', url, operator.token, { confirm: 'DELETE' });
    expect(del.statusCode).toBe(403);
    expect((await h.request('PUT', url, admin.token, { description: 'x' })).statusCode).toBe(200);
    expect((await h.request('DELETE', url, admin.token, {})).statusCode).toBe(400);
    expect((await h.request('DELETE', url, admin.token, { confirm: 'DELETE' })).statusCode).toBe(
      204,
    );
    expect((await h.request('GET', url, admin.token)).statusCode).toBe(404);
  });

  it('names every invalid field, and refuses a taken name', async () => {
    const res = await h.request('POST', `/v1/${admin.projectId}/pools`, admin.token, {
      name: 'Bad_Name',
      region: 'mars',
      node_selector: { 'not a key': 'x' },
      taint: { key: 'k', value: 'v', effect: 'Sometimes' },
      npu_resource_name: 'Ascend910',
      flavors: ['ascend-910b-1', 'h100'],
    });
    expect(res.statusCode).toBe(400);
    const body = res.json<ErrorJson>();
    expect(body.error_code).toBe('DEPLOY.0504');
    expect(body.details?.fields?.map((f) => f.field)).toEqual([
      'name',
      'region',
      'node_selector.not a key',
      'taint.effect',
      'npu_resource_name',
      'flavors[1]',
    ]);
    const unknown = await h.request('POST', `/v1/${admin.projectId}/pools`, admin.token, {
      name: 'x',
      flavors: ['ascend-910b-1'],
      size: 3,
    });
    expect(unknown.statusCode).toBe(400);
    await createPool(h, admin, 'pool-b', { name: 'taken' });
    const again = await h.request('POST', `/v1/${admin.projectId}/pools`, admin.token, {
      name: 'taken',
      flavors: ['ascend-910b-1'],
    });
    expect(again.statusCode).toBe(409);
    expect(again.json<ErrorJson>().error_code).toBe('DEPLOY.0502');
  });
});

describe('pool capacity, live from the Kubernetes API', () => {
  const kc = new KubeConfig();
  kc.loadFromFile(stack.KUBECONFIG);
  const core = kc.makeApiClient(CoreV1Api);
  const namespace = uniqueName('dep-cap').replace(/_/g, '-');

  beforeAll(async () => {
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    await eventually(
      async () => (await core.listNamespacedServiceAccount({ namespace })).items.length > 0,
      { timeoutMs: 30_000, description: 'the default service account' },
    );
  });
  afterAll(() => core.deleteNamespace({ name: namespace }).catch(() => undefined));

  it('pool-a has 4 Ready nodes × 8 NPUs; pool-b 2 × 8; both listed with capacity', async () => {
    const a = await createPool(h, admin, 'pool-a');
    const b = await createPool(h, admin, 'pool-b');
    const got = (
      await h.request('GET', `/v1/${admin.projectId}/pools/${a.id}`, admin.token)
    ).json<PoolJson>();
    expect(got.capacity).toMatchObject({ npus: 32, ready_nodes: 4, total_nodes: 4 });
    expect(got.capacity!.free_npus).toBe(got.capacity!.npus - got.capacity!.requested_npus);
    const list = (await h.request('GET', `/v1/${admin.projectId}/pools`, admin.token)).json<{
      pools: PoolJson[];
    }>();
    expect(list.pools.find((p) => p.id === b.id)?.capacity).toMatchObject({
      npus: 16,
      ready_nodes: 2,
    });
  });

  it('free NPUs drop while a pod holds NPUs on a pool-a node, and come back when it is gone', async () => {
    const pool = await createPool(h, admin, 'pool-a');
    const url = `/v1/${admin.projectId}/pools/${pool.id}`;
    const freeNow = async () =>
      (await h.request('GET', url, admin.token)).json<PoolJson>().capacity!;
    const before = await freeNow();
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'npu-holder' },
        spec: {
          nodeSelector: { 'maas.io/pool': 'pool-a' },
          tolerations: [
            { key: 'maas.io/pool', operator: 'Equal', value: 'pool-a', effect: 'NoSchedule' },
          ],
          containers: [
            {
              name: 'server',
              image: 'example.invalid/model-server:1',
              resources: {
                requests: { 'huawei.com/Ascend910': '3' },
                limits: { 'huawei.com/Ascend910': '3' },
              },
            },
          ],
        },
      },
    });
    const pod = await eventually(
      async () => {
        const p = await core.readNamespacedPod({ name: 'npu-holder', namespace });
        if (!p.spec?.nodeName) throw new Error('not scheduled yet');
        return p;
      },
      { timeoutMs: 30_000, description: 'the pod to be scheduled' },
    );
    expect(pod.spec?.nodeName).toMatch(/^pool-a-node-/);
    const during = await freeNow();
    expect(during.npus).toBe(32);
    expect(during.requested_npus).toBe(before.requested_npus + 3);
    expect(during.free_npus).toBe(before.free_npus - 3);
    await core.deleteNamespacedPod({ name: 'npu-holder', namespace, gracePeriodSeconds: 0 });
    await eventually(async () => (await freeNow()).free_npus === before.free_npus, {
      timeoutMs: 30_000,
      description: 'the NPUs to be free again',
    });
  });
});
