import { type Demand, type InstanceShape } from './admission.types.js';

/** NPUs a service needs: instances × NPUs per instance of its flavor. */
export function npusNeeded(demand: Demand): number {
  return demand.instances * demand.npusPerInstance;
}

/** NPUs each pod of an instance requests (one pod per node the instance spans). */
export function npusPerPod(shape: InstanceShape): number {
  return shape.npusPerInstance / shape.nodesPerInstance;
}
