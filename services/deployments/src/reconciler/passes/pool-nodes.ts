import { type V1Node, type V1Pod } from '@kubernetes/client-node';
import { type Demand, outstandingDemand } from '../../admission/index.js';
import { isNonTerminated } from '../../kubernetes/pod-npus.js';
import { type AdmittedRow } from '../../model-services/model-services.repository.js';
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
 * update's surge pod; for instance groups, whole groups for groups with no member bound)
 * minus its live pods bound to a node. Derived from the database and the cache on every
 * pass — never a counter of our own.
 */
export function reservations(
  admitted: readonly AdmittedRow[],
  podsOf: (serviceId: string) => readonly V1Pod[],
): Demand[] {
  return admitted.flatMap((service) => {
    const bound = podsOf(service.id).filter(
      (p) => p.spec?.nodeName && isNonTerminated(p) && !p.metadata?.deletionTimestamp,
    );
    const grouped = service.nodesPerInstance > 1;
    const perInstance: number[] = grouped ? [] : [bound.length];
    if (grouped)
      for (const pod of bound) {
        const k = groupOf(pod);
        if (k !== null) perInstance[k] = (perInstance[k] ?? 0) + 1;
      }
    const surge = !grouped && service.state === 'upgrading' ? 1 : 0;
    const shape = {
      npusPerInstance: service.npusPerInstance,
      nodesPerInstance: service.nodesPerInstance,
    };
    return outstandingDemand(shape, service.instances, perInstance, surge);
  });
}
