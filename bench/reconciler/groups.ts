// The reference of the multi-server phase: plain StatefulSet groups created straight through
// the API — one StatefulSet per group (Parallel, `size` pods of 8 NPUs, each on a distinct
// node) behind one headless Service, the same shape as an instance group of the deployments
// service — and the time from create to every member ready.
import { performance } from 'node:perf_hooks';
import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  type V1StatefulSet,
  Watch,
} from '@kubernetes/client-node';
import { eventually } from '@maas/testing';
import { NPU } from './cluster.js';

/** `n` StatefulSet groups of `size` members in `namespace` on the nodes labelled `label`. */
export async function referenceGroups(
  kubeconfig: string,
  label: string,
  namespace: string,
  n: number,
  size: number,
): Promise<number[]> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  await core.createNamespacedService({
    namespace,
    body: {
      metadata: { name: 'members' },
      spec: { clusterIP: 'None', selector: { bench: 'group' }, ports: [{ port: 6379 }] },
    },
  });
  const sent = new Map<string, number>();
  const ready = new Map<string, number>();
  const seen = (s: V1StatefulSet, at: number) => {
    const name = s.metadata?.name ?? '';
    if ((s.status?.readyReplicas ?? 0) >= size && !ready.has(name)) ready.set(name, at);
  };
  const watch = await new Watch(kc).watch(
    `/apis/apps/v1/namespaces/${namespace}/statefulsets`,
    {},
    (_type: string, s: V1StatefulSet) => seen(s, performance.now()),
    () => undefined,
  );
  const names = Array.from({ length: n }, (_, i) => `group-${i}`);
  try {
    await Promise.all(
      names.map(async (name) => {
        sent.set(name, performance.now());
        await apps.createNamespacedStatefulSet({
          namespace,
          body: groupStatefulSet(label, name, size),
        });
      }),
    );
    // The watch gives each time; a list each second catches what a dropped watch missed.
    let listedAt = 0;
    await eventually(
      async () => {
        if (ready.size < n && performance.now() - listedAt > 1_000) {
          listedAt = performance.now();
          const { items } = await apps.listNamespacedStatefulSet({ namespace });
          for (const s of items) seen(s, listedAt);
        }
        return ready.size === n;
      },
      { timeoutMs: 300_000, intervalMs: 200, description: 'the reference groups ready' },
    );
  } finally {
    watch.abort();
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
    await eventually(async () => (await core.listNamespacedPod({ namespace })).items.length === 0, {
      timeoutMs: 120_000,
      intervalMs: 500,
      description: 'the reference group pods gone',
    }).catch(() => undefined);
  }
  return names.map((name) => (ready.get(name) ?? 0) - (sent.get(name) ?? 0));
}

function groupStatefulSet(label: string, name: string, size: number): V1StatefulSet {
  const selector = { bench: 'group', group: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, labels: selector },
    spec: {
      replicas: size,
      serviceName: 'members',
      podManagementPolicy: 'Parallel',
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: selector },
        spec: {
          nodeSelector: { 'maas.io/pool': label },
          tolerations: [
            { key: 'maas.io/pool', operator: 'Equal', value: label, effect: 'NoSchedule' },
          ],
          affinity: {
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [
                { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: selector } },
              ],
            },
          },
          containers: [
            {
              name: 'model-server',
              image: 'quay.io/ascend/vllm-ascend:v0.9.1',
              resources: {
                requests: { [NPU]: '8', cpu: '160', memory: '1280Gi' },
                limits: { [NPU]: '8', memory: '1280Gi' },
              },
            },
          ],
        },
      },
    },
  };
}
