import { type Logger } from '@nestjs/common';
import { DomainError } from '@maas/errors';
import { type AdmissionPlan, planAdmission } from '../../admission/index.js';
import { type ServiceObservations } from '../../model-services/service-observations.js';
import { type PoolEntity } from '../../pools/pool.entity.js';
import { type ClusterCache } from '../cache/cluster-cache.js';
import { nodeNpus } from '../../kubernetes/pod-npus.js';
import { type OtherPodsSource } from './other-pods.js';
import { nodesOfPool, queueOf, reservations } from './pool-nodes.js';

export interface AdmissionPassDeps {
  /** The reconciler's port into the service store (reads and observations). */
  readonly observations: ServiceObservations;
  /** The pool (cached for the leadership term; a pool change drops it). */
  readonly poolOf: (poolId: string) => Promise<PoolEntity | null>;
  readonly cache: ClusterCache;
  /** Other workloads' pods (one list shared by the passes of a few seconds: OtherPods). */
  readonly otherPods: OtherPodsSource;
  readonly logger: Logger;
}

/**
 * Admission of one pool (the admission controller's key; one pass per pool at a time): its queued
 * services in FIFO order (`planAdmission`) against the live capacity of its Ready nodes —
 * allocatable minus the requests of the non-terminated pods bound to them — minus what
 * services admitted earlier still need (pods not bound yet). Admitted services get
 * `admitted`; the others get their queue position.
 *
 * Our pods come from the cache. Other workloads' pods on the pool's nodes are read live
 * (`OtherPods`: one list shared by the passes of up to 3 s), only when the cache says
 * something can be admitted: a pool with a blocked queue costs no API call.
 */
export class AdmissionPass {
  constructor(private readonly deps: AdmissionPassDeps) {}

  /** Returns the ids admitted (each needs a pass). */
  async run(poolId: string): Promise<string[]> {
    const pool = await this.deps.poolOf(poolId);
    if (!pool) return [];
    const queue = await this.deps.observations.queuedOn(poolId);
    if (queue.length === 0) return [];
    const nodes = nodesOfPool(this.deps.cache.nodes.list(), pool);
    const reserved = reservations(await this.deps.observations.admittedOn(poolId), (id) =>
      this.deps.cache.podsOf(id),
    );
    const input = {
      reserved,
      queue: queueOf(queue),
    };
    const ours = this.deps.cache.pods.list();
    let plan = planAdmission({ ...input, nodes: nodeNpus(nodes, pool.npuResourceName, ours) });
    if (plan.admitted.length > 0) {
      const others = await this.deps.otherPods.on(nodes);
      if (others.length > 0)
        plan = planAdmission({
          ...input,
          nodes: nodeNpus(nodes, pool.npuResourceName, [...ours, ...others]),
        });
    }
    return this.carryOut(plan);
  }

  /**
   * Moves the admitted services out of the queue (a few transactions at a time: the plan
   * already fixed who gets the room, so commit order does not matter) and writes the
   * positions of those still waiting (skipped when unchanged).
   */
  private async carryOut(plan: AdmissionPlan): Promise<string[]> {
    const admitted: string[] = [];
    await inBatches(plan.admitted, async (id) => {
      try {
        await this.deps.observations.apply(id, { type: 'admitted' });
        admitted.push(id);
      } catch (error) {
        // Stopped or deleted while queued: its room is for the next pass.
        if (!(error instanceof DomainError)) throw error;
        this.deps.logger.debug({ msg: 'admission skipped a changed service', id, err: error });
      }
    });
    await inBatches(plan.waiting, (waiting) =>
      this.deps.observations.record(waiting.id, { queuePosition: waiting.position }),
    );
    return admitted;
  }
}

/** Database writes of one admission pass in flight at once. */
const WRITES_AT_ONCE = 16;

/**
 * Writes every item, WRITES_AT_ONCE at a time, the next as soon as one is done — not in
 * batches that each wait for their slowest write (under a 100-service burst, the 99
 * admissions of one pass took 1.2 s to write); after a failure no new write starts and the
 * failure is thrown.
 */
async function inBatches<T>(items: readonly T[], write: (item: T) => Promise<unknown>) {
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (!failed && next < items.length) {
      const item = items[next++];
      try {
        await write(item);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(WRITES_AT_ONCE, items.length) }, lane));
}
