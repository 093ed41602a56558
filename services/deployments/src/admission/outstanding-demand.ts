import { type Demand, type InstanceShape } from './admission.types.js';
import { npusPerPod } from './npu-demand.js';

/**
 * What an admitted service still needs on top of its pods already bound to a node, so that
 * admission sets it aside (an admitted service's room is never given to the next in line).
 *
 * - single-server flavors: the desired pods (plus an upgrade's surge pod) minus the bound ones;
 * - instance groups (`nodesPerInstance` > 1): per desired group, a group with no member bound
 *   needs a whole group (N distinct servers at once — the gang); a group partly bound needs
 *   its missing members (one server's NPUs each). An upgrade's stand-in group is passed in
 *   by the caller as one more group (`reservations`); there is no other surge.
 *
 * `boundPerInstance[k]` is the number of live pods of group k bound to a node; for a
 * single-server service only the sum matters.
 */
export function outstandingDemand(
  shape: InstanceShape,
  instances: number,
  boundPerInstance: readonly number[],
  surge = 0,
): Demand[] {
  if (shape.nodesPerInstance <= 1) {
    const bound = boundPerInstance.reduce((sum, n) => sum + n, 0);
    const missing = instances + surge - bound;
    return missing > 0 ? [{ ...shape, instances: missing }] : [];
  }
  let wholeGroups = 0;
  let loosePods = 0;
  for (let k = 0; k < instances; k++) {
    const bound = Math.min(boundPerInstance[k] ?? 0, shape.nodesPerInstance);
    if (bound === 0) wholeGroups++;
    else loosePods += shape.nodesPerInstance - bound;
  }
  const demands: Demand[] = [];
  if (wholeGroups > 0) demands.push({ ...shape, instances: wholeGroups });
  if (loosePods > 0)
    demands.push({ npusPerInstance: npusPerPod(shape), nodesPerInstance: 1, instances: loosePods });
  return demands;
}
