import { type V1Pod } from '@kubernetes/client-node';
import { type Logger } from '@nestjs/common';
import { DomainError } from '@maas/errors';
import { type AdmissionPlan, planAdmission } from '../../admission/index.js';
import { type KubeClient } from '../../kubernetes/kube-client.js';
import { type ModelServicesRepository } from '../../model-services/model-services.repository.js';
import { type ServiceObservations } from '../../model-services/service-observations.js';
import { type PoolsRepository } from '../../pools/pools.repository.js';
import { type ClusterCache } from '../cache/cluster-cache.js';
import { LABEL } from '../../workloads/labels.js';
import { nodeNpus } from '../../kubernetes/pod-npus.js';
import { nodesOfPool, reservations } from './pool-nodes.js';

/**
 * Admission of one pool (the queue key `pool/<id>`; one pass per pool at a time): its queued
 * services in FIFO order (`planAdmission`) against the live capacity of its Ready nodes —
 * allocatable minus the requests of the non-terminated pods bound to them — minus what
 * services admitted earlier still need (pods not bound yet). Admitted services get
 * `admitted`; the others get their queue position.
 *
 * Our pods come from the cache. Other workloads' pods on the pool's nodes are read live,
 * in one request, only when the cache says something can be admitted: a pool with a
 * blocked queue costs no API call.
 */
export class AdmissionPass {
  constructor(
    private readonly services: ModelServicesRepository,
    private readonly pools: PoolsRepository,
    private readonly observations: ServiceObservations,
    private readonly cache: ClusterCache,
    private readonly kube: KubeClient,
    private readonly installation: string,
    private readonly logger: Logger,
  ) {}

  /** Returns the ids admitted (each needs a pass). */
  async run(poolId: string): Promise<string[]> {
    const pool = await this.pools.findById(poolId);
    if (!pool) return [];
    const queue = await this.services.queuedOn(poolId);
    if (queue.length === 0) return [];
    const nodes = nodesOfPool(this.cache.nodes.list(), pool);
    const reserved = reservations(await this.services.admittedOn(poolId), (id) =>
      this.cache.podsOf(id),
    );
    const input = {
      reserved,
      queue: queue.map((q) => ({
        id: q.id,
        queuedAt: q.queuedAt,
        demand: {
          instances: q.instances,
          npusPerInstance: q.npusPerInstance,
          nodesPerInstance: q.nodesPerInstance,
        },
      })),
    };
    const ours = this.cache.pods.list();
    let plan = planAdmission({ ...input, nodes: nodeNpus(nodes, pool.npuResourceName, ours) });
    if (plan.admitted.length > 0) {
      const names = new Set(nodes.map((n) => n.metadata?.name));
      const others = (await this.otherPods()).filter((p) => names.has(p.spec?.nodeName));
      if (others.length > 0)
        plan = planAdmission({
          ...input,
          nodes: nodeNpus(nodes, pool.npuResourceName, [...ours, ...others]),
        });
    }
    return this.carryOut(plan);
  }

  private async otherPods(): Promise<V1Pod[]> {
    const list = await this.kube.listPods({
      fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed',
      labelSelector: `${LABEL.installation}!=${this.installation}`,
      resourceVersion: '0',
    });
    return list.items;
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
        await this.observations.apply(id, { type: 'admitted' });
        admitted.push(id);
      } catch (error) {
        // Stopped or deleted while queued: its room is for the next pass.
        if (!(error instanceof DomainError)) throw error;
        this.logger.debug({ msg: 'admission skipped a changed service', id, err: error });
      }
    });
    await inBatches(plan.waiting, (waiting) =>
      this.observations.record(waiting.id, { queuePosition: waiting.position }),
    );
    return admitted;
  }
}

/** Database writes of one admission pass in flight at once. */
const WRITES_AT_ONCE = 16;

async function inBatches<T>(items: readonly T[], write: (item: T) => Promise<unknown>) {
  for (let i = 0; i < items.length; i += WRITES_AT_ONCE)
    await Promise.all(items.slice(i, i + WRITES_AT_ONCE).map(write));
}
