import { type V1Node, type V1Pod } from '@kubernetes/client-node';
import { type Demand, outstandingDemand, type QueuedService } from '../../admission/index.js';
import { isNonTerminated } from '../../kubernetes/pod-npus.js';
import {
  type AdmittedRow,
  type QueuedRow,
} from '../../model-services/model-services.repository.js';
import { accountNodeSelector } from '../../workloads/account-nodes.js';
import { type PoolEntity } from '../../pools/pool.entity.js';
import { groupOf } from '../desired/group-objects.js';

/** The nodes a pool's node selector picks, among those assigned to the pool's account. */
export function nodesOfPool(
  nodes: readonly V1Node[],
  pool: Pick<PoolEntity, 'nodeSelector' | 'accountId'>,
): V1Node[] {
  const selector = Object.entries(accountNodeSelector(pool.nodeSelector, pool.accountId));
  return nodes.filter((node) =>
    selector.every(([key, value]) => node.metadata?.labels?.[key] === value),
  );
}

/**
 * What admitted services still need on top of the pods already bound (`outstandingDemand`):
 * each one's desired pods (one more while a single-server service upgrades: the rolling
 * update's surge pod; for instance groups, whole groups for groups with no member bound,
 * an upgrade's stand-in group included)
 * minus its live pods bound to a node. Derived from the database and the cache on every
 * pass — never a counter of our own.
 */
/** A pool's queued rows as admission's queue (FIFO by `queuedAt`). */
export function queueOf(queued: readonly QueuedRow[]): QueuedService[] {
  return queued.map((q) => ({
    id: q.id,
    queuedAt: q.queuedAt,
    demand: {
      instances: q.instances,
      npusPerInstance: q.npusPerInstance,
      nodesPerInstance: q.nodesPerInstance,
    },
  }));
}

export function reservations(
  admitted: readonly AdmittedRow[],
  podsOf: (serviceId: string) => readonly V1Pod[],
): Demand[] {
  return admitted.flatMap((service) => {
    const bound = podsOf(service.id).filter(
      (p) => p.spec?.nodeName && isNonTerminated(p) && !p.metadata?.deletionTimestamp,
    );
    const shape = {
      npusPerInstance: service.npusPerInstance,
      nodesPerInstance: service.nodesPerInstance,
    };
    if (service.nodesPerInstance <= 1) {
      const surge = service.state === 'upgrading' ? 1 : 0;
      return outstandingDemand(shape, service.instances, [bound.length], surge);
    }
    const perInstance: number[] = [];
    for (const pod of bound) {
      const k = groupOf(pod);
      if (k !== null) perInstance[k] = (perInstance[k] ?? 0) + 1;
    }
    // Groups beyond the desired count that have live members (an upgrade's stand-in; not a
    // scale-in's groups, whose members are being deleted) count like desired ones.
    const extra = new Set<number>();
    for (const pod of podsOf(service.id)) {
      const k = groupOf(pod);
      if (
        k !== null &&
        k >= service.instances &&
        isNonTerminated(pod) &&
        !pod.metadata?.deletionTimestamp
      )
        extra.add(k);
    }
    const groups = [...range(service.instances), ...[...extra].sort((a, b) => a - b)];
    return outstandingDemand(
      shape,
      groups.length,
      groups.map((k) => perInstance[k] ?? 0),
    );
  });
}

function range(n: number): number[] {
  return Array.from({ length: Math.max(0, n) }, (_, i) => i);
}
