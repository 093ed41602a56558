// Edge pools (SPEC §4, seed 000 edge call paths) on the real stack: the reconciler runs a
// service on an edge pool of KWOK nodes and renders its edge Service; the details show the
// edge call path. Load-balancing mode: nothing here assigns load balancer addresses (no cloud
// controller), so the test writes the Service's status.loadBalancer itself — exactly what a
// cloud's load balancer controller does. Node mode: the node port the API server assigned and
// the KWOK node's address.
import { PatchStrategy, setHeaderOptions, type V1Service } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@maas/testing';
import { deployBody, Harness, type Tenant } from './harness.js';
import { core, KwokPool, removeLease, removeNamespace } from './kwok.js';

interface EdgeJson {
  access_mode: string;
  urls: string[];
  note: string | null;
}

interface ServiceJson {
  service_id: string;
  status: string;
  call_description: { callable: boolean; edge: EdgeJson | null };
}

const h = new Harness();
const leaseName = `lease-${h.schema.replaceAll('_', '-')}`;
const lbNodes = new KwokPool({ nodes: 1, npusPerNode: 8 });
const nodeModeNodes = new KwokPool({ nodes: 1, npusPerNode: 8, accountId: lbNodes.accountId });
// Two servers for one DeepSeek-R1 instance group (ascend-910b-2x8).
const groupNodes = new KwokPool({ nodes: 2, npusPerNode: 8, accountId: lbNodes.accountId });
let t: Tenant;
let ns: string;

const services = (id?: string) => `/v1/${t.projectId}/services${id ? `/${id}` : ''}`;
const details = async (id: string) =>
  (await h.request('GET', services(id), t.token)).json<ServiceJson>();

async function edgePool(nodes: KwokPool, edge: unknown, flavor = 'ascend-910b-1'): Promise<string> {
  const res = await h.request('POST', `/v1/${t.projectId}/pools`, t.token, {
    name: `edge-${nodes.label}`.slice(0, 60),
    flavors: [flavor],
    ...nodes.poolFields,
    edge,
  });
  expect(res.statusCode, res.body).toBe(201);
  expect(res.json<{ edge: unknown }>().edge).toEqual(edge);
  return res.json<{ id: string }>().id;
}

async function runningOn(
  poolId: string,
  config: Record<string, unknown> = {},
): Promise<ServiceJson> {
  const res = await h.request('POST', services(), t.token, deployBody(poolId, {}, config));
  expect(res.statusCode, res.body).toBe(201);
  const id = res.json<ServiceJson>().service_id;
  return eventually(
    async () => {
      const s = await details(id);
      return s.status === 'running' ? s : undefined;
    },
    { timeoutMs: 45_000, intervalMs: 200, description: `service ${id} running` },
  );
}

/** The service's edge Service, once the reconciler has applied it. */
function edgeServiceOf(serviceId: string): Promise<V1Service> {
  return eventually(
    async () => {
      const { items } = await core.listNamespacedService({
        namespace: ns,
        labelSelector: `maas.io/service-id=${serviceId}`,
      });
      return items.find((s) => s.metadata?.name?.endsWith('-edge'));
    },
    { timeoutMs: 15_000, intervalMs: 200, description: 'the edge Service' },
  );
}

beforeAll(async () => {
  await Promise.all([lbNodes.create(), nodeModeNodes.create(), groupNodes.create()]);
  await h.start({
    RECONCILER: 'true',
    RECONCILER_LEASE_NAME: leaseName,
    RECONCILER_LEASE_DURATION_MS: '3000',
    RECONCILER_RENEW_DEADLINE_MS: '2000',
    RECONCILER_RETRY_PERIOD_MS: '500',
  });
  t = await h.tenant({ accountId: lbNodes.accountId });
  ns = `maas-${t.projectId}`;
});

afterAll(async () => {
  await h.stop();
  await removeNamespace(ns);
  await Promise.all([lbNodes.delete(), nodeModeNodes.delete(), groupNodes.delete()]);
  await removeLease(leaseName);
});

describe('edge pools', () => {
  it('refuses bad edge settings, naming each field', async () => {
    const res = await h.request('POST', `/v1/${t.projectId}/pools`, t.token, {
      name: 'edge-bad',
      flavors: ['ascend-910b-1'],
      ...lbNodes.poolFields,
      edge: { access_mode: 'node', api_url: '/x', node_port: 80 },
    });
    expect(res.statusCode).toBe(400);
    const fields = res.json<{ details: { fields: { field: string }[] } }>().details.fields;
    expect(fields.map((f) => f.field).sort()).toEqual(['edge.api_url', 'edge.node_port']);
  });

  it('load balancing: no path until the load balancer has an address, then its path', async () => {
    const poolId = await edgePool(lbNodes, {
      access_mode: 'load_balancing',
      port: 8080,
      api_url: '/maas/qwen',
      node_port: null,
    });
    const s = await runningOn(poolId);
    const svc = await edgeServiceOf(s.service_id);
    expect(svc.spec).toMatchObject({ type: 'LoadBalancer', ports: [{ port: 8080 }] });
    expect(svc.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Deployment' });
    expect((await details(s.service_id)).call_description.edge).toEqual({
      access_mode: 'load_balancing',
      urls: [],
      note: expect.stringMatching(/No load balancer address assigned yet/) as unknown,
    });

    // What the cloud's load balancer controller does once its load balancer is up.
    await core.patchNamespacedServiceStatus(
      {
        name: svc.metadata?.name ?? '',
        namespace: ns,
        body: { status: { loadBalancer: { ingress: [{ ip: '203.0.113.10' }] } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const edge = await eventually(
      async () => {
        const e = (await details(s.service_id)).call_description.edge;
        return e?.urls.length ? e : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 200, description: 'the load balancer path' },
    );
    expect(edge).toEqual({
      access_mode: 'load_balancing',
      urls: ['http://203.0.113.10:8080/maas/qwen/v1/chat/completions'],
      note: null,
    });
  });

  it('node mode: the node address and node port of the node running the instance', async () => {
    const poolId = await edgePool(nodeModeNodes, {
      access_mode: 'node',
      port: null,
      api_url: '',
      node_port: null,
    });
    const s = await runningOn(poolId);
    const svc = await edgeServiceOf(s.service_id);
    expect(svc.spec).toMatchObject({ type: 'NodePort', externalTrafficPolicy: 'Local' });
    const nodePort = svc.spec?.ports?.[0]?.nodePort;
    expect(nodePort).toBeGreaterThanOrEqual(30_000);
    const node = await core.readNode({ name: nodeModeNodes.nodeNames[0] });
    const address = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
    expect(address).toBeTruthy();
    const edge = await eventually(
      async () => {
        const e = (await details(s.service_id)).call_description.edge;
        return e?.urls.length ? e : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 200, description: 'the node path' },
    );
    expect(edge).toEqual({
      access_mode: 'node',
      urls: [`http://${address}:${nodePort}/v1/chat/completions`],
      note: null,
    });
  });

  it('a multi-server service: the edge Service selects the group leaders, the path names their node', async () => {
    const poolId = await edgePool(
      groupNodes,
      { access_mode: 'node', port: null, api_url: '', node_port: null },
      'ascend-910b-2x8',
    );
    const s = await runningOn(poolId, {
      model_id: 'deepseek-r1',
      model_version: '1.0.0',
      variant: '8k',
      specification: 'ascend-910b-2x8',
    });
    const svc = await edgeServiceOf(s.service_id);
    const leaders = (
      await core.listNamespacedPod({
        namespace: ns,
        labelSelector: Object.entries(svc.spec?.selector ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(','),
      })
    ).items;
    expect(leaders).toHaveLength(1); // one group: its leader only, not the worker
    const node = await core.readNode({ name: leaders[0].spec?.nodeName ?? '' });
    const address = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
    const edge = await eventually(
      async () => {
        const e = (await details(s.service_id)).call_description.edge;
        return e?.urls.length ? e : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 200, description: 'the group leader path' },
    );
    expect(edge.urls).toEqual([
      `http://${address}:${svc.spec?.ports?.[0]?.nodePort}/v1/chat/completions`,
    ]);
  });

  it('a service on a pool in the data centre has no edge part', async () => {
    const pool = await h.request('POST', `/v1/${t.projectId}/pools`, t.token, {
      name: `dc-${lbNodes.label}`.slice(0, 60),
      flavors: ['ascend-910b-1'],
      ...lbNodes.poolFields,
    });
    expect(pool.statusCode, pool.body).toBe(201);
    expect(pool.json<{ edge: unknown }>().edge).toBeNull();
    const res = await h.request(
      'POST',
      services(),
      t.token,
      deployBody(pool.json<{ id: string }>().id),
    );
    expect(res.statusCode, res.body).toBe(201);
    expect((await details(res.json<ServiceJson>().service_id)).call_description.edge).toBeNull();
  });
});
