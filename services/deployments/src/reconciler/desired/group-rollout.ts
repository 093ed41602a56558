/** A group as the rollout sees it. */
export interface RolloutGroup {
  readonly index: number;
  /** Its StatefulSet exists (not being deleted). */
  readonly exists: boolean;
  /** Its StatefulSet's template is the desired one (same revision label). */
  readonly current: boolean;
  /** Every member live and ready (whatever the revision): the group serves. */
  readonly serving: boolean;
}

/**
 * Which groups get their desired StatefulSet applied in this pass (the others are left as
 * they are). Upgrades (any template change: model version, pool placement) roll group by
 * group, like LeaderWorkerSet's rolling update with maxUnavailable 1 and no surge:
 *
 * - a missing group is created (deploy, start, scale-out: all at once);
 * - a group already on the desired template is applied (a no-op when the hash matches);
 * - an outdated group that does not serve anyway is updated at once;
 * - of the outdated groups that serve, the lowest index is updated only when every other
 *   group serves — so at most one serving group is down for the upgrade at a time, and with
 *   two or more groups the service stays callable. With a single group there is nothing to
 *   keep serving: it is replaced in place and the service is not callable until it is ready
 *   again (no surge group: a spare group's servers are rarely free; see the README).
 */
export function groupsToApply(instances: number, groups: readonly RolloutGroup[]): number[] {
  const byIndex = new Map(groups.map((g) => [g.index, g]));
  const apply: number[] = [];
  const outdatedServing: number[] = [];
  let someoneDown = false;
  for (let index = 0; index < instances; index++) {
    const group = byIndex.get(index);
    if (!group?.exists || group.current || !group.serving) apply.push(index);
    else outdatedServing.push(index);
    if (!group?.serving) someoneDown = true;
  }
  if (!someoneDown && outdatedServing.length > 0) apply.push(outdatedServing[0]);
  return apply.sort((a, b) => a - b);
}
