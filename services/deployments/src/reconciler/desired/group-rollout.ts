/** A group as the rollout sees it. */
export interface RolloutGroup {
  readonly index: number;
  /** Its StatefulSet exists (not being deleted). */
  readonly exists: boolean;
  /** Its StatefulSet's template is the desired one (same revision label). */
  readonly current: boolean;
  /** Every member live and ready (whatever the revision): the group serves. */
  readonly serving: boolean;
  /**
   * Every live member is of the desired revision (false while a current group's members are
   * still the previous ones: its replacement has not happened yet). Absent: true.
   */
  readonly updated?: boolean;
}

/**
 * The upgrade's stand-in: one extra group (index = instances, `ms-<id>-g<instances>`) on the
 * new revision that serves while the service's own groups are replaced in place.
 */
export interface StandInGroup {
  /** Its StatefulSet carries the desired template. */
  readonly current: boolean;
  readonly serving: boolean;
  /** A member failed, restarted, cannot be scheduled or cannot start (image, …). */
  readonly failed: boolean;
}

export interface RolloutInput {
  /** Desired groups (instances): the slots 0 … instances-1. */
  readonly instances: number;
  readonly groups: readonly RolloutGroup[];
  /** The service is `upgrading` (SPEC §5: old instances keep serving): a stand-in may help. */
  readonly upgrading: boolean;
  /** The stand-in's StatefulSet, if it exists. */
  readonly standIn: StandInGroup | null;
}

/** Why an upgrade goes in place, without a stand-in. */
export type InPlaceWhy = 'no_room' | 'queue' | 'stand_in_failed';

/**
 * Room for a stand-in: true, or why not; null when not looked for (`wantsStandIn` false).
 */
export type Room = true | Exclude<InPlaceWhy, 'stand_in_failed'> | null;

export interface RolloutPlan {
  /** Slots whose desired StatefulSet is applied in this pass (the others are left as they are). */
  readonly apply: readonly number[];
  /** What happens to the stand-in: created, kept (applied), removed, or nothing. */
  readonly standIn: 'create' | 'keep' | 'remove' | 'none';
  /** The upgrade goes in place (say so on the service), and why; null otherwise. */
  readonly inPlace: InPlaceWhy | null;
}

/**
 * Whether this pass could start the upgrade with a stand-in (the caller then finds out whether
 * there is room for one): the service is upgrading, has none, and the rollout has not begun
 * (every existing group is still on the previous template). Decided once per upgrade: once a
 * group is replaced in place the upgrade goes on that way.
 */
export function wantsStandIn(input: RolloutInput): boolean {
  if (!input.upgrading || input.standIn !== null) return false;
  const slots = input.groups.filter((g) => g.index < input.instances && g.exists);
  return slots.length > 0 && slots.every((g) => !g.current);
}

/**
 * The rollout of one pass. Upgrades (any template change) roll group by group, like
 * LeaderWorkerSet's rolling update with maxUnavailable 1 (`groupsToApply`). An upgrade (the
 * service `upgrading`) with room in the pool for one more whole group (`room`, found by the
 * caller only when `wantsStandIn`) first creates a **stand-in** on the new revision and takes
 * no serving group down until it serves; then the groups are replaced one at a time while the
 * stand-in serves in their place — a service of one group stays callable, one of several keeps
 * its full capacity. The stand-in goes once the upgrade ends (`running`, or `alarm` when it
 * failed). Without room, or when the stand-in fails, the upgrade goes in place (`inPlace`:
 * with one group the service is not callable until it is ready again).
 */
export function planRollout(input: RolloutInput, room: Room): RolloutPlan {
  const { instances, groups, upgrading, standIn } = input;
  if (standIn) {
    const usable = upgrading && standIn.current && !standIn.failed;
    if (usable)
      return {
        apply: groupsToApply(instances, groups, !standIn.serving),
        standIn: 'keep',
        inPlace: null,
      };
    return {
      apply: groupsToApply(instances, groups),
      standIn: 'remove',
      inPlace: upgrading && standIn.failed ? 'stand_in_failed' : null,
    };
  }
  const decide = wantsStandIn(input);
  if (decide && room === true)
    return { apply: groupsToApply(instances, groups, true), standIn: 'create', inPlace: null };
  return {
    apply: groupsToApply(instances, groups),
    standIn: 'none',
    // Said when the upgrade starts in place; the reason stays until the upgrade ends.
    inPlace: decide && room !== true && room !== null ? room : null,
  };
}

/**
 * Which slots get their desired StatefulSet applied:
 *
 * - a missing group is created (deploy, start, scale-out: all at once);
 * - a group already on the desired template is applied (a no-op when the hash matches);
 * - an outdated group that does not serve anyway is updated at once;
 * - of the outdated groups that serve, the lowest index is updated only when every other
 *   group serves — so at most one serving group is down for the upgrade at a time — and not
 *   at all while `hold` (a stand-in is not serving yet).
 */
export function groupsToApply(
  instances: number,
  groups: readonly RolloutGroup[],
  hold = false,
): number[] {
  const byIndex = new Map(groups.map((g) => [g.index, g]));
  const apply: number[] = [];
  const outdatedServing: number[] = [];
  let someoneDown = false;
  for (let index = 0; index < instances; index++) {
    const group = byIndex.get(index);
    if (group?.exists && !group.current && group.serving) outdatedServing.push(index);
    else apply.push(index);
    if (isDown(group)) someoneDown = true;
  }
  if (!hold && !someoneDown && outdatedServing.length > 0) apply.push(outdatedServing[0]);
  return apply.sort((a, b) => a - b);
}

/**
 * Not serving — or on the new template with its members still the old ones: about to go
 * down (its replacement may have failed half-way), so it counts as down already.
 */
function isDown(group: RolloutGroup | undefined): boolean {
  return !group?.serving || (group.current && group.updated === false);
}

/**
 * The service's status reason while an upgrade goes in place (stable across passes: the
 * state machine writes it once).
 */
export function inPlaceReason(why: InPlaceWhy, instances: number, groupSize: number): string {
  const cause =
    why === 'queue'
      ? 'services are queued in the pool (a spare group would take their room)'
      : why === 'no_room'
        ? `the pool has no room for a spare group (${groupSize} servers at once)`
        : 'the spare group on the new version failed';
  const effect =
    instances === 1
      ? 'the service cannot be called until its group is ready on the new version'
      : `one group at a time is down, the other ${instances - 1} serve`;
  return `Upgrading in place: ${cause}; ${effect}`;
}
