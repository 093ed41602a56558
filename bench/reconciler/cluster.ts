// The Kubernetes side of the benchmark, as an operator sees it: the local stack's
// kube-apiserver + KWOK (fake nodes, assigned to the tenant's account with the maas.io/account
// label, docs/operators.md), the reference workload created straight through the API (plain
// Deployments, and Deployments + ClusterIP Services), the control plane's own CPU, and the
// objects the reconciler made (found by its installation label).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  type V1Deployment,
  type V1Pod,
  Watch,
} from '@kubernetes/client-node';
import { eventually, loadStackEnv } from '@maas/testing';

export const NPU = 'huawei.com/Ascend910';

export class Cluster {
  private readonly kc = new KubeConfig();
  private readonly core: CoreV1Api;
  private readonly apps: AppsV1Api;
  private readonly objects: KubernetesObjectApi;
  readonly nodeNames: string[];

  /** `label` names the nodes, their pool label and taint; `nodes` × `npusPerNode`. */
  constructor(
    kubeconfig: string,
    readonly label: string,
    nodes: number,
    readonly npusPerNode: number,
  ) {
    this.kc.loadFromFile(kubeconfig);
    this.core = this.kc.makeApiClient(CoreV1Api);
    this.apps = this.kc.makeApiClient(AppsV1Api);
    this.objects = KubernetesObjectApi.makeApiClient(this.kc);
    this.nodeNames = Array.from({ length: nodes }, (_, i) => `${label}-n${i}`);
  }

  /** What a pool on these nodes says (POST /pools: node_selector, taint, resource name). */
  get poolNodes() {
    return {
      node_selector: { 'maas.io/pool': this.label },
      taint: { key: 'maas.io/pool', value: this.label, effect: 'NoSchedule' as const },
      npu_resource_name: NPU,
    };
  }

  /** Fake KWOK nodes with the pool's label and taint, assigned to `accountId`; Ready. */
  async createNodes(accountId: string): Promise<void> {
    const resources = {
      cpu: String(Math.max(192, this.npusPerNode * 20 + 16)),
      memory: `${Math.max(1536, this.npusPerNode * 160 + 128)}Gi`,
      pods: '250',
      [NPU]: String(this.npusPerNode),
    };
    for (const name of this.nodeNames)
      await this.objects.patch(
        {
          apiVersion: 'v1',
          kind: 'Node',
          metadata: {
            name,
            annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
            labels: {
              type: 'kwok',
              'kubernetes.io/hostname': name,
              'maas.io/pool': this.label,
              'maas.io/account': accountId,
            },
          },
          spec: { taints: [{ key: 'maas.io/pool', value: this.label, effect: 'NoSchedule' }] },
          status: { allocatable: resources, capacity: resources },
        },
        undefined,
        undefined,
        'maas-bench',
        true,
        PatchStrategy.ServerSideApply,
      );
    await eventually(
      async () => {
        const { items } = await this.core.listNode({ labelSelector: `maas.io/pool=${this.label}` });
        return (
          items.length === this.nodeNames.length &&
          items.every(
            (n) =>
              n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') &&
              !(n.spec?.taints ?? []).some((t) => t.key.startsWith('node.kubernetes.io/')),
          )
        );
      },
      { timeoutMs: 120_000, intervalMs: 200, description: 'the bench nodes Ready and untainted' },
    );
  }

  /**
   * The reference: `n` plain Deployments created at once (each followed by a Service in front
   * of it — ClusterIP, what a user creates by default, or headless, what a model service
   * gets: the gateway routes to the endpoints itself — unless `service` is 'none') in `namespace`, the
   * same pod as a service's (pool node selector, toleration, 1 NPU); create → readyReplicas 1
   * for each (ms), and create → ready with its Service created too (`callable`: what a model
   * service's running means; without Services, the same as `ready`). The namespace is deleted
   * afterwards.
   */
  async reference(
    namespace: string,
    n: number,
    service: 'none' | 'ClusterIP' | 'headless',
  ): Promise<{ ready: number[]; callable: number[] }> {
    await this.core.createNamespace({ body: { metadata: { name: namespace } } });
    const sent = new Map<string, number>();
    const ready = new Map<string, number>();
    const serviceCreated = new Map<string, number>();
    const watch = await new Watch(this.kc).watch(
      `/apis/apps/v1/namespaces/${namespace}/deployments`,
      {},
      (_type: string, d: V1Deployment) => {
        const name = d.metadata?.name ?? '';
        if ((d.status?.readyReplicas ?? 0) >= 1 && !ready.has(name))
          ready.set(name, performance.now());
      },
      () => undefined,
    );
    const names = Array.from({ length: n }, (_, i) => `ref-${i}`);
    await Promise.all(
      names.map(async (name) => {
        sent.set(name, performance.now());
        await this.apps.createNamespacedDeployment({
          namespace,
          body: this.plainDeployment(namespace, name),
        });
        if (service !== 'none') {
          const headless = service === 'headless' ? { clusterIP: 'None' } : {};
          await this.core.createNamespacedService({
            namespace,
            body: {
              metadata: { name },
              spec: { ...headless, selector: { app: name }, ports: [{ name: 'http', port: 8000 }] },
            },
          });
          serviceCreated.set(name, performance.now());
        }
      }),
    );
    // The watch gives each time; a list each second catches what a dropped watch missed.
    let listedAt = 0;
    await eventually(
      async () => {
        if (ready.size < n && performance.now() - listedAt > 1_000) {
          listedAt = performance.now();
          const { items } = await this.apps.listNamespacedDeployment({ namespace });
          for (const d of items)
            if ((d.status?.readyReplicas ?? 0) >= 1 && !ready.has(d.metadata?.name ?? ''))
              ready.set(d.metadata?.name ?? '', listedAt);
        }
        return ready.size === n;
      },
      { timeoutMs: 300_000, intervalMs: 200, description: 'the reference Deployments ready' },
    );
    watch.abort();
    await this.core.deleteNamespace({ name: namespace });
    await eventually(
      async () => (await this.core.listNamespacedPod({ namespace })).items.length === 0,
      { timeoutMs: 120_000, intervalMs: 500, description: 'the reference pods gone' },
    );
    const at = (times: Map<string, number>, name: string) => times.get(name) ?? 0;
    return {
      ready: names.map((name) => at(ready, name) - at(sent, name)),
      callable: names.map(
        (name) => Math.max(at(ready, name), at(serviceCreated, name)) - at(sent, name),
      ),
    };
  }

  private plainDeployment(namespace: string, name: string): V1Deployment {
    const selector = { app: name };
    return {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace, labels: selector },
      spec: {
        replicas: 1,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: selector },
          spec: {
            nodeSelector: { 'maas.io/pool': this.label },
            tolerations: [
              { key: 'maas.io/pool', operator: 'Equal', value: this.label, effect: 'NoSchedule' },
            ],
            containers: [
              {
                name: 'model-server',
                image: 'quay.io/ascend/vllm-ascend:v0.9.1',
                resources: {
                  requests: { [NPU]: '1', cpu: '20', memory: '160Gi' },
                  limits: { [NPU]: '1', memory: '160Gi' },
                },
              },
            ],
          },
        },
      },
    };
  }

  /** The Deployments and pods of one installation (label maas.io/installation). */
  async installation(value: string): Promise<{ deployments: V1Deployment[]; pods: V1Pod[] }> {
    const labelSelector = `maas.io/installation=${value}`;
    const [deployments, pods] = await Promise.all([
      this.apps.listDeploymentForAllNamespaces({ labelSelector }),
      this.core.listPodForAllNamespaces({ labelSelector }),
    ]);
    return { deployments: deployments.items, pods: pods.items };
  }

  /**
   * Removes what the run left once its processes are gone: the installation's Deployments
   * (finalizers dropped) and namespaces, the reference namespaces, the nodes, the Lease.
   */
  async cleanUp(installation: string, namespaces: string[], lease: string): Promise<void> {
    const { deployments } = await this.installation(installation).catch(() => ({
      deployments: [] as V1Deployment[],
    }));
    for (let i = 0; i < deployments.length; i += 50)
      await Promise.all(
        deployments.slice(i, i + 50).map((d) =>
          this.apps
            .patchNamespacedDeployment({
              name: d.metadata?.name ?? '',
              namespace: d.metadata?.namespace ?? '',
              body: [{ op: 'remove', path: '/metadata/finalizers' }],
            })
            .catch(() => undefined),
        ),
      );
    const owned = new Set(deployments.map((d) => d.metadata?.namespace ?? ''));
    const all = [...owned, ...namespaces].filter(Boolean);
    for (const name of all) await this.core.deleteNamespace({ name }).catch(() => undefined);
    // KWOK ends the pods only while their nodes exist: the nodes go after the pods.
    await eventually(
      async () => {
        const left = await Promise.all(
          all.map(async (namespace) => (await this.core.listNamespacedPod({ namespace })).items),
        );
        return left.every((pods) => pods.length === 0);
      },
      { timeoutMs: 180_000, intervalMs: 1_000, description: "the run's pods gone" },
    ).catch(() => undefined);
    await Promise.allSettled(this.nodeNames.map((name) => this.core.deleteNode({ name })));
    await this.objects
      .delete({
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: lease, namespace: 'default' },
      })
      .catch(() => undefined);
  }
}

/** A stack component's process (kube-apiserver, kube-controller-manager) and its CPU so far. */
export function componentCpu(component: string): { pid: string; ms: number } | null {
  try {
    const state = loadStackEnv().MAAS_STACK_STATE;
    const pid = readFileSync(join(state, 'run', `${component}.pid`), 'utf8').trim();
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, ms: ((Number(fields[11]) + Number(fields[12])) * 1000) / 100 }; // USER_HZ 100
  } catch {
    return null;
  }
}

/** CPU ms a component used between two readings; null if it restarted in between. */
export function componentCpuBetween(
  before: ReturnType<typeof componentCpu>,
  after: ReturnType<typeof componentCpu>,
): number | null {
  return before && after && before.pid === after.pid ? after.ms - before.ms : null;
}
