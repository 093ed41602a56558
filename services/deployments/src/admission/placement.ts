import { type Demand, type FreeNpus, type NodeNpus } from './admission.types.js';
import { npusPerPod } from './npu-demand.js';
import { freeByNode } from './pool-capacity.js';

export interface Placement {
  /** True when every instance found room. */
  readonly placed: boolean;
  /** Node names of each placed instance (one per pod). */
  readonly instances: readonly (readonly string[])[];
  /** Free NPUs per node after the placed instances. */
  readonly free: FreeNpus;
}

/**
 * Whether the instances fit, each pod on one node and the pods of one instance on distinct
 * nodes. With `s_i` = pods of this size node i can still hold, n instances of m pods fit iff
 * Σ min(s_i, n) ≥ n·m (a node holds at most one pod of each instance).
 */
export function canPlace(free: FreeNpus, demand: Demand): boolean {
  if (demand.instances <= 0) return true;
  const size = npusPerPod(demand);
  let usable = 0;
  for (const npus of free.values()) usable += Math.min(Math.floor(npus / size), demand.instances);
  return usable >= demand.instances * demand.nodesPerInstance;
}

/** Whether a service fits in the pool now. */
export function fits(nodes: readonly NodeNpus[], demand: Demand): boolean {
  return canPlace(freeByNode(nodes), demand);
}

/**
 * Places instances one by one, each on the nodes with the most room left (ties by name).
 * This spreads like the default kube-scheduler scoring (LeastAllocated), and for pods of
 * one size it finds a placement whenever `canPlace` says one exists. Instances that do not
 * fit are left out (`placed` false) and take nothing.
 */
export function placeInstances(free: FreeNpus, demand: Demand): Placement {
  const left = new Map(free);
  const size = npusPerPod(demand);
  const instances: string[][] = [];
  for (let i = 0; i < demand.instances; i++) {
    const nodes = roomiest(left, size, demand.nodesPerInstance);
    if (!nodes) break;
    for (const node of nodes) left.set(node, (left.get(node) ?? 0) - size);
    instances.push(nodes);
  }
  return { placed: instances.length === demand.instances, instances, free: left };
}

function roomiest(free: FreeNpus, size: number, count: number): string[] | null {
  const candidates = [...free]
    .filter(([, npus]) => npus >= size)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .slice(0, count)
    .map(([name]) => name);
  return candidates.length === count ? candidates : null;
}
