import { type V1Node, type V1Pod } from '@kubernetes/client-node';
import {
  canPlace,
  type Demand,
  type FreeNpus,
  freeByNode,
  planAdmission,
  placeInstances,
} from '../../admission/index.js';
import { nodeNpus } from '../../kubernetes/pod-npus.js';
import { type ServiceObservations } from '../../model-services/service-observations.js';
import { type PoolEntity } from '../../pools/pool.entity.js';
import { type Room } from '../desired/group-rollout.js';
import { type OtherPodsSource } from './other-pods.js';
import { nodesOfPool, queueOf, reservations } from './pool-nodes.js';

export interface GroupRoomDeps {
  readonly cache: {
    podsOf(serviceId: string): readonly V1Pod[];
    readonly nodes: { list(): readonly V1Node[] };
    readonly pods: { list(): readonly V1Pod[] };
  };
  /** Other workloads' pods, read as admission reads them (shared with it). */
  readonly otherPods: OtherPodsSource;
  readonly observations: Pick<ServiceObservations, 'queuedOn' | 'admittedOn'>;
}

/** A service's group shape, and who it is (its own reservation is not set aside against it). */
export interface GroupShape {
  readonly serviceId: string;
  readonly npusPerInstance: number;
  readonly nodesPerInstance: number;
}

/**
 * Room in a pool for a service's new groups, counted the way admission counts it
 * (`AdmissionPass`, README "Admission"): the pool's Ready nodes' allocatable NPUs minus the
 * requests of every non-terminated pod bound to them — ours from the cache, other workloads'
 * and other installations' read live (`OtherPods`, shared with admission) — minus what the pool's other admitted services still
 * need (`reservations`). The live list and the database are read only when the cache alone
 * says a group could fit: a service waiting for room costs no request.
 */
export class GroupRoom {
  constructor(private readonly deps: GroupRoomDeps) {}

  /** Free NPUs per node for the service's missing groups (deploy, start, scale-out). */
  async free(pool: PoolEntity, shape: GroupShape): Promise<FreeNpus> {
    const nodes = nodesOfPool(this.deps.cache.nodes.list(), pool);
    const ours = this.deps.cache.pods.list();
    const cached = freeByNode(nodeNpus(nodes, pool.npuResourceName, ours));
    if (!canPlace(cached, { ...demandOf(shape), instances: 1 })) return cached;
    const others = await this.deps.otherPods.on(nodes);
    let free = freeByNode(nodeNpus(nodes, pool.npuResourceName, [...ours, ...others]));
    const admitted = (await this.deps.observations.admittedOn(pool.id)).filter(
      (s) => s.id !== shape.serviceId,
    );
    for (const demand of reservations(admitted, (id) => this.deps.cache.podsOf(id)))
      free = placeInstances(free, demand).free;
    return free;
  }

  /**
   * Room for an upgrade's stand-in group: admission's own plan with the stand-in queued last
   * — behind every queued service (FIFO: it takes no room a queued service is owed, and a
   * head that does not fit blocks it like any other) and after every admitted service's
   * reservation. `queue` when services of the pool are queued ahead of it, `no_room`
   * otherwise.
   */
  async standIn(pool: PoolEntity, shape: GroupShape): Promise<Room> {
    const nodes = nodesOfPool(this.deps.cache.nodes.list(), pool);
    const pods = [...this.deps.cache.pods.list(), ...(await this.deps.otherPods.on(nodes))];
    const [queued, admitted] = await Promise.all([
      this.deps.observations.queuedOn(pool.id),
      this.deps.observations.admittedOn(pool.id),
    ]);
    const queue = [
      ...queueOf(queued),
      { id: STAND_IN, queuedAt: LAST, demand: { ...demandOf(shape), instances: 1 } },
    ];
    const plan = planAdmission({
      nodes: nodeNpus(nodes, pool.npuResourceName, pods),
      reserved: reservations(admitted, (id) => this.deps.cache.podsOf(id)),
      queue,
    });
    if (plan.admitted.includes(STAND_IN)) return true;
    const waiting = plan.waiting.find((w) => w.id === STAND_IN);
    return waiting?.reason === 'behind_head' || plan.admitted.length > 0 ? 'queue' : 'no_room';
  }
}

const STAND_IN = '\u0000stand-in';
/** Queued after everything (the latest date a Date holds). */
const LAST = new Date(8.64e15);

function demandOf(shape: GroupShape): Omit<Demand, 'instances'> {
  return { npusPerInstance: shape.npusPerInstance, nodesPerInstance: shape.nodesPerInstance };
}
