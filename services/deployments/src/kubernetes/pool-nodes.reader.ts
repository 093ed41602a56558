import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { DomainError } from '@maas/errors';
import { type NodeNpus } from '../admission/index.js';
import { accountNodeSelector } from '../workloads/account-nodes.js';
import { allocatableNpus, isNodeReady, labelSelector, nodeNpus } from './pod-npus.js';
import { SharedReads } from './shared-reads.js';

/**
 * How a pool's nodes are found and which extended resource counts as an NPU. Only nodes
 * the operator assigned to `accountId` (label maas.io/account) are ever read, whatever the
 * selector says.
 */
export interface PoolNodeSelection {
  readonly accountId: string;
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly npuResourceName: string;
}

/** The label selector of the pool's nodes: its labels AND its account's. */
function selectorOf(pool: PoolNodeSelection): string {
  return labelSelector(accountNodeSelector(pool.nodeSelector, pool.accountId));
}

export enum KubernetesErrorCode {
  Unavailable = 'DEPLOY.0901',
}

/** 503: the Kubernetes API did not answer (in time). */
export class KubernetesUnavailableError extends DomainError {
  constructor(cause: unknown) {
    super(
      KubernetesErrorCode.Unavailable,
      'unavailable',
      'The Kubernetes API of the resource pools is not reachable; try again shortly',
      { cause },
    );
  }
}

/**
 * Reads the NPU figures of a pool's nodes, live, from the Kubernetes API: each node's
 * Ready condition and allocatable NPUs, and the NPU requests of the non-terminated pods
 * bound to it — two requests whatever the pool's size: the pool's nodes (label selector),
 * and the non-terminated pods of the cluster (field selector), grouped by node. The pure
 * arithmetic (capacity, free, fit) is in `admission/`.
 */
export class PoolNodesReader {
  private readonly core: CoreV1Api;
  /** The allocatable reads in flight, by label selector (see allocatableOf). */
  private readonly allocatable = new SharedReads<NodeNpus[]>();

  constructor(
    kubeConfig: KubeConfig,
    private readonly timeoutMs: number,
  ) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
  }

  async nodesOf(pool: PoolNodeSelection): Promise<NodeNpus[]> {
    try {
      return await withTimeout(this.read(pool), this.timeoutMs);
    } catch (error) {
      throw new KubernetesUnavailableError(error);
    }
  }

  /**
   * Only the nodes' allocatable NPUs (one request): enough to tell what could ever fit (the
   * deploy-time size check). Requests for one selector while a list is in flight share it,
   * and the list may come from the API server's watch cache (resourceVersion 0): a burst of
   * deploys in one pool used to send one full node list per request, each deserialized
   * here (100 POSTs at once: 100 lists of every node of the pool).
   */
  async allocatableOf(pool: PoolNodeSelection): Promise<NodeNpus[]> {
    const selector = selectorOf(pool);
    try {
      return await this.allocatable.read(`${pool.npuResourceName} ${selector}`, () =>
        withTimeout(this.listAllocatable(selector, pool.npuResourceName), this.timeoutMs),
      );
    } catch (error) {
      throw new KubernetesUnavailableError(error);
    }
  }

  private async listAllocatable(selector: string, npuResourceName: string): Promise<NodeNpus[]> {
    const { items } = await this.core.listNode({ labelSelector: selector, resourceVersion: '0' });
    return items.map((node) => ({
      name: node.metadata?.name ?? '',
      ready: isNodeReady(node),
      allocatable: allocatableNpus(node, npuResourceName),
      requested: 0,
    }));
  }

  private async read(pool: PoolNodeSelection): Promise<NodeNpus[]> {
    const [nodes, pods] = await Promise.all([
      this.core.listNode({ labelSelector: selectorOf(pool) }),
      this.core.listPodForAllNamespaces({
        fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed',
      }),
    ]);
    return nodeNpus(nodes.items, pool.npuResourceName, pods.items);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
