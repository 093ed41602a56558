// The operator's side of the cluster, with the operator's tool (kubectl against the local
// stack's kube-apiserver): NPU servers joining, assigned to an account by the node label
// maas.io/account=<account id> (docs/operators.md "Dedicated nodes per account"), and a look
// at what the reconciler created. The journey brings servers of its own (KWOK fake nodes,
// 8 NPUs each) so the demo account's nodes (pool-a, pool-b) stay as they are.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { eventually } from '@maas/testing';
import type { JourneyEnv } from './env.js';

const run = promisify(execFile);
export const NPU = 'huawei.com/Ascend910';

export class Cluster {
  private readonly env: JourneyEnv;
  private readonly created: string[] = [];

  constructor(env: JourneyEnv) {
    this.env = env;
  }

  async kubectl(args: string[], input?: string): Promise<string> {
    const child = run(this.env.kubectl, ['--kubeconfig', this.env.kubeconfig, ...args], {
      timeout: 30_000,
      maxBuffer: 8 * 1024 * 1024,
    });
    if (input !== undefined) {
      child.child.stdin?.end(input);
    }
    const { stdout } = await child;
    return stdout;
  }

  /**
   * Spare NPU servers joining the cluster (KWOK fake nodes: 8 × Ascend 910B, an Atlas 800I A2),
   * labelled and tainted for one pool, assigned to nobody yet.
   */
  async addServers(names: string[], poolLabel: string): Promise<void> {
    const resources = { cpu: '192', memory: '1536Gi', pods: '250', [NPU]: '8' };
    const nodes = names.map((name) => ({
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
          'maas.io/pool': poolLabel,
        },
      },
      spec: { taints: [{ key: 'maas.io/pool', value: poolLabel, effect: 'NoSchedule' }] },
      status: { allocatable: resources, capacity: resources },
    }));
    this.created.push(...names);
    const list = { apiVersion: 'v1', kind: 'List', items: nodes };
    await this.kubectl(
      ['apply', '--server-side', '--field-manager', 'maas-journey', '-f', '-'],
      JSON.stringify(list),
    );
    await eventually(() => this.ready(poolLabel, names.length), {
      timeoutMs: 60_000,
      intervalMs: 250,
      description: `servers of ${poolLabel} Ready`,
    });
  }

  private async ready(poolLabel: string, count: number): Promise<boolean> {
    const out = await this.kubectl([
      'get',
      'nodes',
      '-l',
      `maas.io/pool=${poolLabel}`,
      '-o',
      'json',
    ]);
    const { items } = JSON.parse(out) as { items: NodeJson[] };
    return (
      items.length === count &&
      items.every(
        (n) =>
          n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') &&
          !(n.spec?.taints ?? []).some((t) => t.key.startsWith('node.kubernetes.io/')),
      )
    );
  }

  /** The operator's assignment: `kubectl label node … maas.io/account=<account id>`. */
  async assign(names: string[], accountId: string): Promise<string> {
    await this.kubectl(['label', 'node', ...names, `maas.io/account=${accountId}`, '--overwrite']);
    return this.kubectl(['get', 'nodes', ...names, '-L', 'maas.io/account,maas.io/pool']);
  }

  /** A model service's Deployment as the API server has it, or undefined once it is gone. */
  async deployment(namespace: string, name: string): Promise<DeploymentJson | undefined> {
    return this.getJson<DeploymentJson>(['-n', namespace, 'get', 'deployment', name]);
  }

  async service(namespace: string, name: string): Promise<unknown> {
    return this.getJson(['-n', namespace, 'get', 'service', name]);
  }

  /** The live (not terminating) pods of a model service. */
  async pods(namespace: string, serviceId: string): Promise<PodJson[]> {
    const out = await this.kubectl([
      '-n',
      namespace,
      'get',
      'pods',
      '-l',
      `maas.io/service-id=${serviceId}`,
      '-o',
      'json',
    ]);
    return (JSON.parse(out) as { items: PodJson[] }).items.filter(
      (p) => !p.metadata.deletionTimestamp,
    );
  }

  private async getJson<T>(args: string[]): Promise<T | undefined> {
    const out = await this.kubectl([...args, '--ignore-not-found', '-o', 'json']);
    return out.trim() ? (JSON.parse(out) as T) : undefined;
  }

  /** Removes the servers this journey added (their pods are gone with the service). */
  async removeServers(): Promise<void> {
    const names = this.created.splice(0);
    if (names.length > 0) {
      await this.kubectl(['delete', 'node', ...names, '--ignore-not-found', '--wait=false']);
    }
  }
}

interface NodeJson {
  spec?: { taints?: { key: string }[] };
  status?: { conditions?: { type: string; status: string }[] };
}

export interface DeploymentJson {
  metadata: { name: string; labels?: Record<string, string> };
  spec: { replicas?: number };
  status?: { readyReplicas?: number };
}

export interface PodJson {
  metadata: {
    name: string;
    labels?: Record<string, string>;
    deletionTimestamp?: string;
  };
  spec: { nodeName?: string };
  status?: { podIP?: string; phase?: string };
}
