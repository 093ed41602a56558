import { type V1Node, type V1Pod } from '@kubernetes/client-node';
import { type Demand } from '../../admission/index.js';
import { isNonTerminated } from '../../kubernetes/pod-npus.js';
import { type AdmittedRow } from '../../model-services/model-services.repository.js';
import { accountNodeSelector } from '../../workloads/account-nodes.js';
import { type PoolEntity } from '../../pools/pool.entity.js';

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
 * What admitted services still need on top of the pods already bound: each one's desired
 * pods (one more while upgrading: the rolling update's surge pod) minus its live pods
 * bound to a node. Derived from the database and the cache on every pass — never a
 * counter of our own.
 */
export function reservations(
  admitted: readonly AdmittedRow[],
  podsOf: (serviceId: string) => readonly V1Pod[],
): Demand[] {
  const demands: Demand[] = [];
  for (const service of admitted) {
    const surge = service.state === 'upgrading' ? 1 : 0;
    const wanted = (service.instances + surge) * service.nodesPerInstance;
    const bound = podsOf(service.id).filter(
      (p) => p.spec?.nodeName && isNonTerminated(p) && !p.metadata?.deletionTimestamp,
    ).length;
    const missingPods = wanted - bound;
    if (missingPods <= 0) continue;
    demands.push({
      instances: Math.ceil(missingPods / service.nodesPerInstance),
      npusPerInstance: service.npusPerInstance,
      nodesPerInstance: service.nodesPerInstance,
    });
  }
  return demands;
}
