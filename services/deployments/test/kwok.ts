// Fake Ascend nodes of our own, managed by the stack's KWOK: each reconciler test file gets
// a pool nobody else schedules onto, so capacity assertions hold whatever else runs.
import { randomBytes, randomUUID } from 'node:crypto';
import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  type V1Deployment,
  type V1Node,
} from '@kubernetes/client-node';
import { eventually } from '@maas/testing';
import { stack } from './harness.js';

export const NPU = 'huawei.com/Ascend910';

export function kubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(stack.KUBECONFIG);
  return kc;
}

export const kc = kubeConfig();
export const core = kc.makeApiClient(CoreV1Api);
export const apps = kc.makeApiClient(AppsV1Api);
export const objects = KubernetesObjectApi.makeApiClient(kc);

export interface KwokPoolOptions {
  readonly nodes: number;
  readonly npusPerNode?: number;
  /** CPU and memory per node (default: an Atlas 800I A2: 192 cores, 1.5 TiB). */
  readonly cpu?: number;
  readonly memoryGi?: number;
  /** The account the operator assigns the nodes to (label maas.io/account); default a new one. */
  readonly accountId?: string;
}

/** The node label by which the operator assigns nodes to an account (docs/operators.md). */
export const ACCOUNT_LABEL = 'maas.io/account';

/**
 * A pool of fake KWOK nodes labelled and tainted maas.io/pool=<label>, assigned to the
 * account `accountId` (its tenant must be created with that account id).
 */
export class KwokPool {
  readonly label = `t-${Date.now().toString(36)}-${randomBytes(2).toString('hex')}`;
  readonly nodeNames: string[];
  readonly accountId: string;

  constructor(readonly options: KwokPoolOptions) {
    this.nodeNames = Array.from({ length: options.nodes }, (_, i) => `${this.label}-n${i}`);
    this.accountId = options.accountId ?? randomUUID();
  }

  /** The pool body fields that select these nodes. */
  get poolFields() {
    return {
      node_selector: { 'maas.io/pool': this.label },
      taint: { key: 'maas.io/pool', value: this.label, effect: 'NoSchedule' },
      npu_resource_name: NPU,
    };
  }

  async create(): Promise<void> {
    await Promise.all(this.nodeNames.map((name) => this.applyNode(name)));
    await eventually(() => this.allReady(), {
      timeoutMs: 60_000,
      intervalMs: 250,
      description: `KWOK nodes of ${this.label} Ready and untainted`,
    });
  }

  async delete(): Promise<void> {
    await Promise.allSettled(this.nodeNames.map((name) => core.deleteNode({ name })));
  }

  private async applyNode(name: string): Promise<void> {
    const { npusPerNode = 8, cpu = 192, memoryGi = 1536 } = this.options;
    const resources = {
      cpu: String(cpu),
      memory: `${memoryGi}Gi`,
      pods: '250',
      [NPU]: String(npusPerNode),
    };
    const node: V1Node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
        labels: {
          type: 'kwok',
          'kubernetes.io/hostname': name,
          'kubernetes.io/os': 'linux',
          'kubernetes.io/arch': 'arm64',
          'maas.io/pool': this.label,
          [ACCOUNT_LABEL]: this.accountId,
        },
      },
      spec: { taints: [{ key: 'maas.io/pool', value: this.label, effect: 'NoSchedule' }] },
      status: { allocatable: resources, capacity: resources },
    };
    await objects.patch(
      node,
      undefined,
      undefined,
      'maas-tests',
      true,
      PatchStrategy.ServerSideApply,
    );
  }

  private async allReady(): Promise<boolean> {
    const { items } = await core.listNode({ labelSelector: `maas.io/pool=${this.label}` });
    if (items.length !== this.nodeNames.length) return false;
    return items.every(
      (n) =>
        n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') &&
        !(n.spec?.taints ?? []).some((t) => t.key.startsWith('node.kubernetes.io/')) &&
        n.status?.allocatable?.[NPU] !== undefined,
    );
  }
}

/**
 * Who the stack's pools belong to when the demo step has not run (deploy/test.sh starts no
 * services): a fixed account, so that every test file on the stack agrees.
 */
export const STACK_TEST_ACCOUNT = '5eed0000-0000-4000-8000-00000000a11c';

const STACK_POOLS = 'maas.io/pool in (pool-a,pool-b)';

/**
 * The account the stack's own pools (pool-a, pool-b of deploy/local/k8s/nodes.yaml) are
 * assigned to: the demo account, labelled by `deploy/local/services.sh demo`. Unassigned
 * (no demo step yet), they are assigned to STACK_TEST_ACCOUNT here, as the operator would.
 * Tests that use those nodes create their tenant with this account id.
 */
export async function stackPoolsAccount(): Promise<string> {
  const { items } = await core.listNode({ labelSelector: STACK_POOLS });
  if (items.length === 0) throw new Error("the stack's pool-a/pool-b nodes are missing");
  for (const node of items.filter((n) => !n.metadata?.labels?.[ACCOUNT_LABEL]))
    await core.patchNode(
      {
        name: node.metadata?.name ?? '',
        body: { metadata: { labels: { [ACCOUNT_LABEL]: STACK_TEST_ACCOUNT } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  const labelled = (await core.listNode({ labelSelector: STACK_POOLS })).items;
  const accounts = new Set(labelled.map((n) => n.metadata?.labels?.[ACCOUNT_LABEL]));
  const [account] = accounts;
  if (accounts.size !== 1 || !account)
    throw new Error(
      `the stack's pool-a/pool-b nodes are assigned to different accounts (label ${ACCOUNT_LABEL}); ` +
        're-assign them with: bash deploy/local/services.sh demo',
    );
  return account;
}

/**
 * Removes a test namespace: strips our finalizer from what is left (the reconciler of the
 * test may be gone) and deletes the namespace without waiting.
 */
export async function removeNamespace(namespace: string): Promise<void> {
  const { items } = await apps.listNamespacedDeployment({ namespace }).catch(() => ({ items: [] }));
  for (const d of items)
    if (d.metadata?.finalizers?.length)
      await apps
        .patchNamespacedDeployment({
          name: d.metadata.name ?? '',
          namespace,
          body: [{ op: 'remove', path: '/metadata/finalizers' }],
        })
        .catch(() => undefined);
  await core.deleteNamespace({ name: namespace }).catch(() => undefined);
}

/** Deletes a test's leader-election Lease (released or not). */
export async function removeLease(name: string): Promise<void> {
  await objects
    .delete({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name, namespace: 'default' },
    })
    .catch(() => undefined);
}

/**
 * Faults injected the way one would inject them into a real cluster, from outside the
 * service: a MutatingAdmissionPolicy (CEL, admissionregistration.k8s.io/v1) that rewrites
 * the Deployments of one installation whose service name starts with `namePrefix`, as the
 * reconciler applies them. The service's code has no test seam for this.
 */
export class DeploymentPolicy {
  readonly name: string;

  constructor(
    private readonly installation: string,
    private readonly namePrefix: string,
    /**
     * A CEL mutation: an ApplyConfiguration (`Object{spec: Object.spec{…}}`; merges, but may
     * not touch atomic maps such as nodeSelector) or a JSONPatch list.
     */
    private readonly mutation: {
      readonly patchType: 'ApplyConfiguration' | 'JSONPatch';
      readonly expression: string;
    },
  ) {
    this.name = `maas-test-${installation}-${namePrefix}`.toLowerCase().replaceAll('_', '-');
  }

  /** Installs the policy and its binding; resolves once the API server enforces it. */
  async install(check: (mutated: V1Deployment) => boolean): Promise<void> {
    // Total over every Deployment of the cluster (other tests' included): no error on an
    // object without labels or annotations, and failurePolicy Ignore besides.
    const condition =
      `has(object.metadata.labels) && has(object.metadata.annotations) && ` +
      `object.metadata.labels[?'maas.io/installation'].orValue('') == '${this.installation}' && ` +
      `object.metadata.annotations[?'maas.io/service-name'].orValue('').startsWith('${this.namePrefix}')`;
    await objects.create({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingAdmissionPolicy',
      metadata: { name: this.name },
      spec: {
        matchConstraints: {
          resourceRules: [
            {
              apiGroups: ['apps'],
              apiVersions: ['v1'],
              operations: ['CREATE', 'UPDATE'],
              resources: ['deployments'],
            },
          ],
        },
        matchConditions: [{ name: 'this-installation', expression: condition }],
        failurePolicy: 'Ignore',
        reinvocationPolicy: 'Never',
        mutations: [
          this.mutation.patchType === 'JSONPatch'
            ? { patchType: 'JSONPatch', jsonPatch: { expression: this.mutation.expression } }
            : {
                patchType: 'ApplyConfiguration',
                applyConfiguration: { expression: this.mutation.expression },
              },
        ],
      },
    } as KubernetesObject);
    await objects.create({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingAdmissionPolicyBinding',
      metadata: { name: this.name },
      spec: { policyName: this.name },
    } as KubernetesObject);
    // Policies take effect asynchronously: probe with a dry-run create until one is mutated.
    const probe: V1Deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: `probe-${randomBytes(3).toString('hex')}`,
        namespace: 'default',
        labels: { 'maas.io/installation': this.installation },
        annotations: { 'maas.io/service-name': `${this.namePrefix}-probe` },
      },
      spec: {
        selector: { matchLabels: { probe: 'true' } },
        template: {
          metadata: { labels: { probe: 'true' } },
          spec: { nodeSelector: { probe: 'true' }, containers: [{ name: 'c', image: 'none' }] },
        },
      },
    };
    await eventually(
      async () =>
        check(
          await apps.createNamespacedDeployment({
            namespace: 'default',
            body: probe,
            dryRun: 'All',
          }),
        ),
      { timeoutMs: 30_000, intervalMs: 200, description: `admission policy ${this.name} in force` },
    );
  }

  async remove(): Promise<void> {
    for (const kind of ['MutatingAdmissionPolicyBinding', 'MutatingAdmissionPolicy'])
      await objects
        .delete({
          apiVersion: 'admissionregistration.k8s.io/v1',
          kind,
          metadata: { name: this.name },
        })
        .catch(() => undefined);
  }
}
