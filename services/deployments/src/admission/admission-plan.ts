import { type Demand, type NodeNpus } from './admission.types.js';
import { canPlace, placeInstances } from './placement.js';
import { allocatableByNode, freeByNode } from './pool-capacity.js';

export interface QueuedService {
  readonly id: string;
  /** When the service entered `queuing` (deploy or start). */
  readonly queuedAt: Date;
  readonly demand: Demand;
}

export interface AdmissionInput {
  readonly nodes: readonly NodeNpus[];
  /**
   * Instances already admitted whose pods are not bound to a node yet (just admitted,
   * pending, a scale-out or an upgrade's surge pod): their NPUs are not in the nodes'
   * requests yet, so they are set aside first, or two passes could admit into the same room.
   */
  readonly reserved: readonly Demand[];
  /** The pool's queued services, in any order. */
  readonly queue: readonly QueuedService[];
}

export type WaitReason =
  /** Behind a service that does not fit yet (strict FIFO). */
  | 'behind_head'
  /** At the head, and the pool has no room for it yet. */
  | 'insufficient_capacity'
  /** Larger than the whole pool (all Ready nodes empty): never admitted as things are. */
  | 'exceeds_pool';

export interface WaitingService {
  readonly id: string;
  /** 1-based position in the pool's queue after this pass's admissions. */
  readonly position: number;
  readonly reason: WaitReason;
}

export interface AdmissionPlan {
  /** To move out of `queuing` now, in this order. */
  readonly admitted: readonly string[];
  readonly waiting: readonly WaitingService[];
}

/**
 * FIFO admission for one pool (queued first, then id, for a total order).
 *
 * Strict FIFO with head-of-line blocking: when the oldest service does not fit, nothing
 * behind it is admitted, even what would fit, so a big service is never starved by a stream
 * of small ones and a queue position means what it says. The one exception: a service
 * larger than the whole pool can never be admitted, so it keeps its place but does not
 * block (`exceeds_pool`); it is admitted in turn if the pool grows.
 */
export function planAdmission(input: AdmissionInput): AdmissionPlan {
  let free = freeByNode(input.nodes);
  for (const demand of input.reserved) free = placeInstances(free, demand).free;
  const whole = allocatableByNode(input.nodes);
  const admitted: string[] = [];
  const blocked: { id: string; reason: WaitReason }[] = [];
  for (const service of fifo(input.queue)) {
    if (!canPlace(whole, service.demand)) blocked.push({ id: service.id, reason: 'exceeds_pool' });
    else if (blocked.some((b) => b.reason !== 'exceeds_pool'))
      blocked.push({ id: service.id, reason: 'behind_head' });
    else if (canPlace(free, service.demand)) {
      free = placeInstances(free, service.demand).free;
      admitted.push(service.id);
    } else blocked.push({ id: service.id, reason: 'insufficient_capacity' });
  }
  return { admitted, waiting: blocked.map((b, i) => ({ ...b, position: i + 1 })) };
}

/** The pool's queue in admission order. */
export function fifo(queue: readonly QueuedService[]): QueuedService[] {
  return [...queue].sort(
    (a, b) => a.queuedAt.getTime() - b.queuedAt.getTime() || a.id.localeCompare(b.id),
  );
}
