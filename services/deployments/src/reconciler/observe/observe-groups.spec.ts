import { describe, expect, it } from 'vitest';
import { type ServiceState } from '../../lifecycle/index.js';
import { type GroupRestartRecord } from '../desired/group-objects.js';
import {
  type GroupMember,
  type ObservedGroup,
  type ObserveGroupsInput,
  observeGroups,
} from './observe-groups.js';
import { type PodView } from './pod-view.js';

const NOW = new Date('2026-11-22T12:00:00Z');
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);
const REV = 'r-new';
const OLD = 'r-old';

function member(
  group: number,
  index: number,
  p: Partial<PodView> & { failedAt?: Date } = {},
): GroupMember {
  const phase = p.phase ?? 'Running';
  const ready = p.ready ?? phase === 'Running';
  const failedAt = p.failedAt;
  return {
    index,
    view: {
      name: `ms-x-g${group}-${index}`,
      uid: p.uid ?? `uid-g${group}-${index}`,
      node: `node-${index}`,
      phase,
      ready,
      readySince: ready ? (p.readySince ?? ago(30)) : null,
      restarts: p.restarts ?? 0,
      createdAt: p.createdAt ?? ago(60),
      revision: p.revision ?? REV,
      modelVersion: '1.0.0',
      deleting: p.deleting ?? false,
      terminated: phase === 'Failed' || phase === 'Succeeded',
      waiting: p.waiting ?? null,
      unschedulable: p.unschedulable ?? null,
      lastFailure:
        p.lastFailure ??
        (failedAt
          ? { at: failedAt, reason: 'ModelLoadError', message: 'shard lost', exitCode: 3 }
          : null),
    },
  };
}

function group(
  index: number,
  members: GroupMember[],
  extra: Partial<ObservedGroup> = {},
): ObservedGroup {
  return {
    index,
    name: `ms-x-g${index}`,
    exists: true,
    desiredRevision: REV,
    appliedRevision: REV,
    members,
    restarts: [],
    formed: null,
    ...extra,
  };
}

const healthy = (index: number, size = 2) =>
  group(
    index,
    Array.from({ length: size }, (_, i) => member(index, i)),
  );

const input = (
  state: ServiceState,
  groups: ObservedGroup[],
  extra: Partial<ObserveGroupsInput> = {},
): ObserveGroupsInput => ({
  state,
  instances: 2,
  groupSize: 2,
  pending: null,
  stateChangedAt: ago(120),
  groups,
  now: NOW,
  limits: {
    schedulingDeadlineMs: 300_000,
    startTimeoutMs: 1_800_000,
    crashLoopFailures: 3,
    restartWindowMs: 300_000,
  },
  ...extra,
});

const record = (secondsAgo: number, pod = 'ms-x-g1-1'): GroupRestartRecord => ({
  at: ago(secondsAgo).toISOString(),
  pod,
  reason: 'Error',
  exitCode: 1,
  message: 'ray worker died',
});

describe('observeGroups: a group is one instance', () => {
  it('is all_ready once every member of every group is ready', () => {
    const result = observeGroups(input('deploying', [healthy(0), healthy(1)]));
    expect(result.observation).toEqual({ type: 'all_ready' });
    expect(result.readyInstances).toBe(2);
    expect(result.restart).toEqual([]);
    // per-instance status lists every member
    expect(result.instanceStatuses.map((s) => s.name)).toEqual([
      'ms-x-g0-0',
      'ms-x-g0-1',
      'ms-x-g1-0',
      'ms-x-g1-1',
    ]);
  });

  it('is not ready while one member is not (the leader alone serves nothing)', () => {
    const g1 = group(1, [member(1, 0), member(1, 1, { ready: false, phase: 'Pending' })]);
    const result = observeGroups(input('deploying', [healthy(0), g1]));
    expect(result.observation).toBeNull();
    expect(result.readyInstances).toBe(1);
  });

  it('is not ready with a member missing, nor with a group missing', () => {
    expect(
      observeGroups(input('deploying', [healthy(0), group(1, [member(1, 0)])])).observation,
    ).toBeNull();
    expect(observeGroups(input('deploying', [healthy(0)])).observation).toBeNull();
  });
});

describe('observeGroups: a failed member restarts its whole group', () => {
  it('restarts a group with a Failed worker, and a running service goes to alarm', () => {
    const g1 = group(1, [member(1, 0), member(1, 1, { phase: 'Failed', failedAt: ago(2) })]);
    const result = observeGroups(input('running', [healthy(0), g1]));
    expect(result.restart).toEqual([
      {
        group: 1,
        record: {
          at: NOW.toISOString(),
          pod: 'ms-x-g1-1',
          uid: 'uid-g1-1',
          reason: 'ModelLoadError',
          exitCode: 3,
          message: 'shard lost',
          revision: REV,
        },
      },
    ]);
    expect(result.observation?.type).toBe('some_unhealthy');
    expect(result.observation).toMatchObject({
      reason: expect.stringContaining('1 of 2 instance(s) ready'),
    });
    expect(result.readyInstances).toBe(1);
  });

  it('restarts a group whose member container restarted', () => {
    const g0 = group(0, [
      member(0, 0, {
        restarts: 1,
        lastFailure: { at: ago(5), reason: 'Error', message: '', exitCode: 137 },
      }),
      member(0, 1),
    ]);
    expect(observeGroups(input('running', [g0, healthy(1)])).restart.map((r) => r.group)).toEqual([
      0,
    ]);
  });

  it('restarts a formed group with a member it did not form with (a replaced pod)', () => {
    const g1 = group(1, [member(1, 0), member(1, 1, { uid: 'new-uid' })], {
      formed: ['uid-g1-0', 'uid-g1-1'],
    });
    const result = observeGroups(input('running', [healthy(0), g1]));
    expect(result.restart).toMatchObject([
      { group: 1, record: { pod: 'ms-x-g1-1', uid: 'new-uid', reason: 'MemberReplaced' } },
    ]);
    // the leader replaced: the same
    const g0 = group(0, [member(0, 0, { uid: 'other' }), member(0, 1)], {
      formed: ['uid-g0-0', 'uid-g0-1'],
    });
    expect(observeGroups(input('running', [g0, healthy(1)])).restart).toMatchObject([
      { group: 0, record: { pod: 'ms-x-g0-0', reason: 'MemberReplaced' } },
    ]);
  });

  it('records the members of a group once it serves, and only then', () => {
    const result = observeGroups(input('deploying', [healthy(0), healthy(1)]));
    expect(result.formed).toEqual([
      { group: 0, uids: ['uid-g0-0', 'uid-g0-1'] },
      { group: 1, uids: ['uid-g1-0', 'uid-g1-1'] },
    ]);
    const forming = group(1, [member(1, 0), member(1, 1, { ready: false, phase: 'Pending' })]);
    const formedAlready = { ...healthy(0), formed: ['uid-g0-0', 'uid-g0-1'] };
    expect(observeGroups(input('deploying', [formedAlready, forming])).formed).toEqual([]);
  });

  it('restarts once per failure: a failure already recorded (same pod uid) is not restarted again', () => {
    const g1 = group(1, [member(1, 0), member(1, 1, { phase: 'Failed', failedAt: ago(2) })], {
      restarts: [{ ...record(1), uid: 'uid-g1-1' }],
    });
    const result = observeGroups(input('running', [healthy(0), g1]));
    expect(result.restart).toEqual([]);
    expect(result.readyInstances).toBe(1);
    expect(result.observation?.type).toBe('some_unhealthy');
  });

  it('does not take the members of a group still forming for replacements', () => {
    // After a restart the formation is forgotten: new members, whatever their timing.
    const g1 = group(1, [
      member(1, 0, { uid: 'a', createdAt: ago(30), readySince: ago(29) }),
      member(1, 1, { uid: 'b', createdAt: ago(1), ready: false, phase: 'Pending' }),
    ]);
    expect(observeGroups(input('running', [healthy(0), g1])).restart).toEqual([]);
  });

  it('does not restart a group already being restarted (members deleting)', () => {
    const g1 = group(1, [
      member(1, 0, { deleting: true }),
      member(1, 1, { phase: 'Failed', failedAt: ago(2), deleting: true }),
    ]);
    const result = observeGroups(input('running', [healthy(0), g1]));
    expect(result.restart).toEqual([]);
    expect(result.observation?.type).toBe('some_unhealthy');
  });

  it('keeps a running service in alarm for the restart window after a group restart', () => {
    const g1 = { ...healthy(1), restarts: [record(10)] };
    const result = observeGroups(input('running', [healthy(0), g1]));
    expect(result.observation).toMatchObject({
      type: 'some_unhealthy',
      reason: expect.stringContaining('member ms-x-g1-1: ray worker died (the group restarts)'),
    });
    expect(result.recheckInMs).toBeGreaterThan(0);
    const later = observeGroups(
      input('running', [healthy(0), g1], { now: new Date(NOW.getTime() + 400_000) }),
    );
    expect(later.observation).toEqual({ type: 'all_ready' });
  });

  it('names the restart while the new members form, past the restart window', () => {
    // A big model can load for longer than RESTART_WINDOW_SECONDS: the reason still says why.
    const forming = group(1, [member(1, 0), member(1, 1, { ready: false, phase: 'Pending' })], {
      restarts: [{ ...record(400), revision: REV }],
    });
    const result = observeGroups(input('running', [healthy(0), forming]));
    expect(result.observation).toEqual({
      type: 'some_unhealthy',
      reason:
        '1 of 2 instance(s) ready (ms-x-g1: GroupRestarting: member ms-x-g1-1 Error: ray worker died)',
    });
    // Formed again, or replaced by an upgrade since (another revision): no longer the reason.
    const formed = { ...forming, formed: ['uid-g1-0', 'uid-g1-1'] };
    expect(observeGroups(input('running', [healthy(0), formed])).observation).toMatchObject({
      reason: '1 of 2 instance(s) ready (ms-x-g1: Pending)',
    });
    const upgraded = { ...forming, restarts: [{ ...record(400), revision: OLD }] };
    expect(observeGroups(input('running', [healthy(0), upgraded])).observation).toMatchObject({
      reason: '1 of 2 instance(s) ready (ms-x-g1: Pending)',
    });
  });

  it('fails a deploy whose groups keep restarting (CRASH_LOOP_FAILURES restarts)', () => {
    const g1 = { ...healthy(1), restarts: [record(60), record(30)] };
    const twice = observeGroups(input('deploying', [healthy(0), g1]));
    expect(twice.observation).toEqual({ type: 'all_ready' }); // 2 < 3, and g1 is ready again
    const failing = group(1, [member(1, 0), member(1, 1, { phase: 'Failed', failedAt: ago(1) })], {
      restarts: [record(60), record(30)],
    });
    const third = observeGroups(input('deploying', [healthy(0), failing]));
    expect(third.observation).toMatchObject({
      type: 'failed',
      reason: expect.stringContaining('Crash loop'),
    });
  });

  it('does not count restarts from before the state began', () => {
    const g1 = { ...healthy(1), restarts: [record(600), record(500), record(400)] };
    expect(observeGroups(input('deploying', [healthy(0), g1])).observation).toEqual({
      type: 'all_ready',
    });
  });
});

describe('observeGroups: upgrades and placement', () => {
  it('replaces the members of a group whose StatefulSet has the new template', () => {
    const g0 = group(0, [member(0, 0, { revision: OLD }), member(0, 1, { revision: OLD })], {
      desiredRevision: REV,
      appliedRevision: REV,
    });
    const g1 = group(1, [member(1, 0, { revision: OLD }), member(1, 1, { revision: OLD })], {
      desiredRevision: REV,
      appliedRevision: OLD,
    });
    const result = observeGroups(input('upgrading', [g0, g1]));
    expect(result.replace).toEqual([0]);
    expect(result.observation).toBeNull();
    // the held-back group still serves (old spec): the service stays callable
    expect(result.readyInstances).toBe(2);
  });

  it('is all_ready after an upgrade only when every group is on the new spec', () => {
    const g1 = group(1, [member(1, 0, { revision: OLD }), member(1, 1, { revision: OLD })], {
      appliedRevision: OLD,
    });
    expect(observeGroups(input('upgrading', [healthy(0), g1])).observation).toBeNull();
    expect(observeGroups(input('upgrading', [healthy(0), healthy(1)])).observation).toEqual({
      type: 'all_ready',
    });
  });

  it('fails a group member unschedulable past the deadline', () => {
    const g1 = group(1, [
      member(1, 0),
      member(1, 1, {
        phase: 'Pending',
        ready: false,
        unschedulable: { since: ago(400), message: '0/4 nodes are available' },
      }),
    ]);
    expect(observeGroups(input('deploying', [healthy(0), g1])).observation).toMatchObject({
      type: 'failed',
      reason: expect.stringContaining('Unschedulable'),
    });
  });

  it('counts groups beyond the desired count as nothing (scale-in removes them)', () => {
    const result = observeGroups(input('updating', [healthy(0), healthy(1)], { instances: 1 }));
    expect(result.readyInstances).toBe(1);
    expect(result.observation).toEqual({ type: 'all_ready' });
  });
});
