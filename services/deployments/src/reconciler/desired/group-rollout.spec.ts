import { describe, expect, it } from 'vitest';
import {
  groupsToApply,
  inPlaceReason,
  planRollout,
  type RolloutGroup,
  type StandInGroup,
  wantsStandIn,
} from './group-rollout.js';

const g = (index: number, current: boolean, serving: boolean, exists = true): RolloutGroup => ({
  index,
  exists,
  current,
  serving,
});

describe('groupsToApply', () => {
  it('creates every missing group at once (deploy, start, scale-out)', () => {
    expect(groupsToApply(3, [])).toEqual([0, 1, 2]);
    expect(groupsToApply(3, [g(0, true, true)])).toEqual([0, 1, 2]);
  });

  it('re-applies groups already on the desired template (hash skip makes it free)', () => {
    expect(groupsToApply(2, [g(0, true, true), g(1, true, false)])).toEqual([0, 1]);
  });

  it('upgrades group by group: one serving group down at a time', () => {
    const all = [g(0, false, true), g(1, false, true), g(2, false, true)];
    expect(groupsToApply(3, all)).toEqual([0]);
    // group 0 replaced, not ready yet: the others wait
    expect(groupsToApply(3, [g(0, true, false), g(1, false, true), g(2, false, true)])).toEqual([
      0,
    ]);
    // group 0 serves on the new spec: next is group 1
    expect(groupsToApply(3, [g(0, true, true), g(1, false, true), g(2, false, true)])).toEqual([
      0, 1,
    ]);
    expect(groupsToApply(3, [g(0, true, true), g(1, true, true), g(2, false, true)])).toEqual([
      0, 1, 2,
    ]);
  });

  it('counts a group on the new template with old members as down (its replacement is due)', () => {
    const replacing = { ...g(0, true, true), updated: false };
    expect(groupsToApply(2, [replacing, g(1, false, true)])).toEqual([0]);
  });

  it('updates an outdated group that does not serve anyway without waiting', () => {
    expect(groupsToApply(3, [g(0, false, true), g(1, false, false), g(2, false, true)])).toEqual([
      1,
    ]);
  });

  it('replaces a single group in place when nothing stands in', () => {
    expect(groupsToApply(1, [g(0, false, true)])).toEqual([0]);
  });

  it('takes no serving group down while held (a stand-in not serving yet)', () => {
    expect(groupsToApply(2, [g(0, false, true), g(1, false, true)], true)).toEqual([]);
    expect(groupsToApply(2, [g(0, false, true), g(1, false, false)], true)).toEqual([1]);
  });

  it('leaves groups beyond the desired count alone (scale-in removes them)', () => {
    expect(groupsToApply(1, [g(0, true, true), g(1, true, true)])).toEqual([0]);
  });
});

const standIn = (serving: boolean, failed = false, current = true): StandInGroup => ({
  current,
  serving,
  failed,
});

describe('planRollout', () => {
  const one = [g(0, false, true)];
  const upgrading = (groups: RolloutGroup[], s: StandInGroup | null = null, instances = 1) => ({
    instances,
    groups,
    upgrading: true,
    standIn: s,
  });

  it('looks for room for a stand-in only before an upgrade has replaced any group', () => {
    expect(wantsStandIn(upgrading(one))).toBe(true);
    expect(wantsStandIn(upgrading([g(0, true, false)]))).toBe(false);
    expect(wantsStandIn(upgrading(one, standIn(false)))).toBe(false);
    expect(wantsStandIn({ ...upgrading(one), upgrading: false })).toBe(false);
  });

  it('with room: creates the stand-in and takes no serving group down', () => {
    expect(planRollout(upgrading(one), true)).toEqual({
      apply: [],
      standIn: 'create',
      inPlace: null,
    });
  });

  it('replaces the groups one at a time once the stand-in serves', () => {
    const two = [g(0, false, true), g(1, false, true)];
    expect(planRollout(upgrading(two, standIn(false), 2), null).apply).toEqual([]);
    expect(planRollout(upgrading(two, standIn(true), 2), null)).toEqual({
      apply: [0],
      standIn: 'keep',
      inPlace: null,
    });
    const next = [g(0, true, true), g(1, false, true)];
    expect(planRollout(upgrading(next, standIn(true), 2), null).apply).toEqual([0, 1]);
  });

  it('removes the stand-in once the upgrade is over (running, or alarm after a failure)', () => {
    const done = { instances: 1, groups: [g(0, true, true)], upgrading: false };
    expect(planRollout({ ...done, standIn: standIn(true) }, null)).toEqual({
      apply: [0],
      standIn: 'remove',
      inPlace: null,
    });
  });

  it('without room or behind queued services: in place, and why', () => {
    expect(planRollout(upgrading(one), 'no_room')).toEqual({
      apply: [0],
      standIn: 'none',
      inPlace: 'no_room',
    });
    expect(planRollout(upgrading(one), 'queue').inPlace).toBe('queue');
    // said when the upgrade starts; later passes do not look for room again
    expect(planRollout(upgrading([g(0, true, false)]), null).inPlace).toBeNull();
  });

  it('a failed stand-in is removed and the upgrade goes in place', () => {
    expect(planRollout(upgrading(one, standIn(false, true)), null)).toEqual({
      apply: [0],
      standIn: 'remove',
      inPlace: 'stand_in_failed',
    });
  });

  it('says what in place means for callers', () => {
    expect(inPlaceReason('no_room', 1, 2)).toBe(
      'Upgrading in place: the pool has no room for a spare group (2 servers at once); ' +
        'the service cannot be called until its group is ready on the new version',
    );
    expect(inPlaceReason('queue', 3, 2)).toContain(
      'one group at a time is down, the other 2 serve',
    );
  });
});
