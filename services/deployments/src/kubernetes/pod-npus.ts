import { type V1Node, type V1Pod } from '@kubernetes/client-node';
import { type NodeNpus } from '../admission/index.js';
import { parseQuantity } from './quantity.js';

/** Whole NPUs in a quantity (a malformed value counts as none). */
function npus(value: string | undefined): number {
  const n = parseQuantity(value);
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

/**
 * The NPUs a pod requests, as the scheduler counts them: the larger of the sum over its
 * containers and the largest init container (init containers run one at a time, before).
 */
export function podNpuRequest(pod: V1Pod, resource: string): number {
  const spec = pod.spec;
  if (!spec) return 0;
  const request = (c: { resources?: { requests?: Record<string, string> } }) =>
    npus(c.resources?.requests?.[resource]);
  const main = spec.containers.reduce((sum, c) => sum + request(c), 0);
  const init = Math.max(0, ...(spec.initContainers ?? []).map(request));
  return Math.max(main, init);
}

/** Whether the pod still holds its requests (not Succeeded or Failed). */
export function isNonTerminated(pod: V1Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed';
}

/** The node's Ready condition is True. */
export function isNodeReady(node: V1Node): boolean {
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** `status.allocatable[resource]` in whole NPUs. */
export function allocatableNpus(node: V1Node, resource: string): number {
  return npus(node.status?.allocatable?.[resource]);
}

/** `{a: "1", b: "2"}` → `a=1,b=2` (a Kubernetes label selector of equality terms). */
export function labelSelector(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}

/**
 * NPU figures of nodes: each one's Ready condition and allocatable NPUs, and the requests
 * of the non-terminated pods (of `pods`) bound to it.
 */
export function nodeNpus(
  nodes: readonly V1Node[],
  resource: string,
  pods: Iterable<V1Pod>,
): NodeNpus[] {
  const requested = new Map<string, number>();
  for (const pod of pods) {
    const node = pod.spec?.nodeName;
    if (!node || !isNonTerminated(pod)) continue;
    requested.set(node, (requested.get(node) ?? 0) + podNpuRequest(pod, resource));
  }
  return nodes.map((node) => {
    const name = node.metadata?.name ?? '';
    return {
      name,
      ready: isNodeReady(node),
      allocatable: allocatableNpus(node, resource),
      requested: requested.get(name) ?? 0,
    };
  });
}
