// The local Kubernetes (real kube-apiserver, scheduler, controller-manager; KWOK kubelets)
// behaves as the reconciler will need it to: NPU requests are scheduled onto the right
// pool's fake Ascend nodes, KWOK's failure stage fails a pod, and an oversized request stays
// Pending with an Unschedulable condition.
import { AppsV1Api, CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, uniqueName } from '../src/index.js';

const NPU = 'huawei.com/Ascend910';
const FAIL_STAGE_LABEL = 'pod-container-running-failed.stage.kwok.x-k8s.io';

const kc = new KubeConfig();
let core: CoreV1Api;
let apps: AppsV1Api;
const namespace = uniqueName('stack').replace(/_/g, '-');

function podSpec(pool: string, npus: number, labels: Record<string, string> = {}) {
  return {
    metadata: { labels: { app: 'npu-probe', ...labels } },
    spec: {
      nodeSelector: { 'maas.io/pool': pool },
      tolerations: [{ key: 'maas.io/pool', operator: 'Equal', value: pool, effect: 'NoSchedule' }],
      containers: [
        {
          name: 'model-server',
          image: 'example.invalid/model-server:1',
          resources: { requests: { [NPU]: String(npus) }, limits: { [NPU]: String(npus) } },
        },
      ],
    },
  };
}

async function podsWith(selector: string): Promise<V1Pod[]> {
  return (await core.listNamespacedPod({ namespace, labelSelector: selector })).items;
}

beforeAll(async () => {
  kc.loadFromFile(process.env.KUBECONFIG!);
  core = kc.makeApiClient(CoreV1Api);
  apps = kc.makeApiClient(AppsV1Api);
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  await eventually(
    async () => (await core.listNamespacedServiceAccount({ namespace })).items.length > 0,
    { timeoutMs: 30_000, description: 'the default service account' },
  );
});

afterAll(async () => {
  await core.deleteNamespace({ name: namespace }).catch(() => undefined);
});

describe('local Kubernetes with fake Ascend pools', () => {
  it('has two pools of Ready fake nodes with 8 NPUs each', async () => {
    // Only the stack's own pools: other tests (the journey, the reconciler's) add KWOK nodes
    // of their own pools while they run.
    const nodes = (await core.listNode({ labelSelector: 'maas.io/pool in (pool-a, pool-b)' }))
      .items;
    const byPool = new Map<string, number>();
    for (const node of nodes) {
      const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
      expect(ready).toBe(true);
      expect(node.status?.allocatable?.[NPU]).toBe('8');
      expect(node.spec?.taints).toContainEqual(
        expect.objectContaining({ key: 'maas.io/pool', effect: 'NoSchedule' }),
      );
      const pool = node.metadata!.labels!['maas.io/pool'];
      byPool.set(pool, (byPool.get(pool) ?? 0) + 1);
    }
    expect(Object.fromEntries(byPool)).toEqual({ 'pool-a': 4, 'pool-b': 2 });
  });

  it('schedules a Deployment asking for 8 NPUs onto the pool nodes and runs it', async () => {
    const template = podSpec('pool-b', 8, { probe: 'fit' });
    await apps.createNamespacedDeployment({
      namespace,
      body: {
        metadata: { name: 'fit' },
        spec: { replicas: 2, selector: { matchLabels: template.metadata.labels }, template },
      },
    });
    const pods = await eventually(
      async () => {
        const list = await podsWith('probe=fit');
        const running = list.filter((p) => p.status?.phase === 'Running');
        if (running.length !== 2) throw new Error(`${running.length}/2 pods Running`);
        return running;
      },
      { timeoutMs: 30_000, description: 'two Running pods' },
    );
    const nodes = pods.map((p) => p.spec!.nodeName!).sort();
    // 8 NPUs each: exactly one per node, and only on pool-b's nodes.
    expect(nodes).toEqual(['pool-b-node-0', 'pool-b-node-1']);
    await eventually(
      async () => {
        const d = await apps.readNamespacedDeployment({ name: 'fit', namespace });
        return d.status?.readyReplicas === 2;
      },
      { timeoutMs: 30_000, description: 'the Deployment to report 2 ready replicas' },
    );
  });

  it('fails a pod labelled with KWOK’s failure stage', async () => {
    const spec = podSpec('pool-a', 1, { [FAIL_STAGE_LABEL]: 'true', probe: 'crash' });
    await core.createNamespacedPod({
      namespace,
      body: { ...spec, metadata: { ...spec.metadata, name: 'crash' } },
    });
    const pod = await eventually(
      async () => {
        const p = await core.readNamespacedPod({ name: 'crash', namespace });
        if (p.status?.phase !== 'Failed') throw new Error(`phase ${p.status?.phase}`);
        return p;
      },
      { timeoutMs: 30_000, description: 'the pod to fail' },
    );
    expect(pod.spec?.nodeName).toMatch(/^pool-a-node-/);
  });

  it('leaves a pod asking for more NPUs than any node has Pending and Unschedulable', async () => {
    const spec = podSpec('pool-a', 16, { probe: 'too-big' });
    await core.createNamespacedPod({
      namespace,
      body: { ...spec, metadata: { ...spec.metadata, name: 'too-big' } },
    });
    const condition = await eventually(
      async () => {
        const p = await core.readNamespacedPod({ name: 'too-big', namespace });
        const c = p.status?.conditions?.find((x) => x.type === 'PodScheduled');
        if (c?.reason !== 'Unschedulable') throw new Error(`PodScheduled ${c?.reason ?? 'absent'}`);
        expect(p.status?.phase).toBe('Pending');
        return c;
      },
      { timeoutMs: 30_000, description: 'an Unschedulable condition' },
    );
    expect(condition.status).toBe('False');
    expect(condition.message).toContain(NPU);
  });
});
