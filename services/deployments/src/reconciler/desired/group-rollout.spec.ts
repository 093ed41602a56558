import { describe, expect, it } from 'vitest';
import { groupsToApply, type RolloutGroup } from './group-rollout.js';

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

  it('updates an outdated group that does not serve anyway without waiting', () => {
    expect(groupsToApply(3, [g(0, false, true), g(1, false, false), g(2, false, true)])).toEqual([
      1,
    ]);
  });

  it('replaces a single group in place (nothing else could serve)', () => {
    expect(groupsToApply(1, [g(0, false, true)])).toEqual([0]);
  });

  it('leaves groups beyond the desired count alone (scale-in removes them)', () => {
    expect(groupsToApply(1, [g(0, true, true), g(1, true, true)])).toEqual([0]);
  });
});
