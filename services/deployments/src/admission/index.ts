export type { Demand, FreeNpus, InstanceShape, NodeNpus, PoolCapacity } from './admission.types.js';
export {
  type AdmissionInput,
  type AdmissionPlan,
  fifo,
  planAdmission,
  type QueuedService,
  type WaitingService,
  type WaitReason,
} from './admission-plan.js';
export { npusNeeded, npusPerPod } from './npu-demand.js';
export { canPlace, fits, type Placement, placeInstances } from './placement.js';
export { allocatableByNode, freeByNode, poolCapacity } from './pool-capacity.js';
export { outstandingDemand } from './outstanding-demand.js';
