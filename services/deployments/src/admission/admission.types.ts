/** NPU figures of one node of a pool, read from the Kubernetes API. */
export interface NodeNpus {
  readonly name: string;
  /** The node's Ready condition; NotReady nodes give no capacity. */
  readonly ready: boolean;
  /** `status.allocatable[<npu resource>]`. */
  readonly allocatable: number;
  /** Sum of NPU requests of the non-terminated pods bound to the node. */
  readonly requested: number;
}

/** The NPU shape of one instance of a flavor: `nodesPerInstance` pods of `npusPerNode`. */
export interface InstanceShape {
  readonly npusPerInstance: number;
  readonly nodesPerInstance: number;
}

/** Some instances of one shape. */
export interface Demand extends InstanceShape {
  readonly instances: number;
}

/** Free NPUs per Ready node, by node name. */
export type FreeNpus = ReadonlyMap<string, number>;

export interface PoolCapacity {
  /** Allocatable NPUs of the Ready nodes. */
  readonly capacity: number;
  /** NPUs requested by pods on the Ready nodes (capped at each node's allocatable). */
  readonly requested: number;
  /** capacity − requested. */
  readonly free: number;
  readonly readyNodes: number;
  readonly totalNodes: number;
}
