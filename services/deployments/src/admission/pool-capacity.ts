import { type FreeNpus, type NodeNpus, type PoolCapacity } from './admission.types.js';

/** Capacity and free NPUs of a pool: its Ready nodes' allocatable minus pods' requests. */
export function poolCapacity(nodes: readonly NodeNpus[]): PoolCapacity {
  const ready = nodes.filter((n) => n.ready);
  const capacity = sum(ready.map((n) => Math.max(0, n.allocatable)));
  const free = sum([...freeByNode(nodes).values()]);
  return {
    capacity,
    requested: capacity - free,
    free,
    readyNodes: ready.length,
    totalNodes: nodes.length,
  };
}

/** Free NPUs of each Ready node (never negative, even when over-requested). */
export function freeByNode(nodes: readonly NodeNpus[]): FreeNpus {
  return new Map(
    nodes
      .filter((n) => n.ready)
      .map((n) => [n.name, Math.max(0, Math.max(0, n.allocatable) - Math.max(0, n.requested))]),
  );
}

/** Allocatable NPUs of each Ready node: the pool as if it were empty. */
export function allocatableByNode(nodes: readonly NodeNpus[]): FreeNpus {
  return new Map(nodes.filter((n) => n.ready).map((n) => [n.name, Math.max(0, n.allocatable)]));
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
