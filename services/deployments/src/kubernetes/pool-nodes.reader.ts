import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { DomainError } from '@maas/errors';
import { type NodeNpus } from '../admission/index.js';
import {
  allocatableNpus,
  isNodeReady,
  isNonTerminated,
  labelSelector,
  podNpuRequest,
} from './pod-npus.js';

/** How a pool's nodes are found and which extended resource counts as an NPU. */
export interface PoolNodeSelection {
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly npuResourceName: string;
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
 * bound to it (one field-selected list per node, the way `kubectl describe node` does).
 * The pure arithmetic (capacity, free, fit) is in `admission/`.
 */
export class PoolNodesReader {
  private readonly core: CoreV1Api;

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

  private async read(pool: PoolNodeSelection): Promise<NodeNpus[]> {
    const { items } = await this.core.listNode({ labelSelector: labelSelector(pool.nodeSelector) });
    return Promise.all(
      items.map(async (node) => {
        const name = node.metadata?.name ?? '';
        const pods = await this.core.listPodForAllNamespaces({
          fieldSelector: `spec.nodeName=${name},status.phase!=Succeeded,status.phase!=Failed`,
        });
        const requested = pods.items
          .filter(isNonTerminated)
          .reduce((sum, pod) => sum + podNpuRequest(pod, pool.npuResourceName), 0);
        return {
          name,
          ready: isNodeReady(node),
          allocatable: allocatableNpus(node, pool.npuResourceName),
          requested,
        };
      }),
    );
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
