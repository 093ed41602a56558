import { type GroupRestartRecord } from '../desired/group-objects.js';
import {
  instanceStatuses,
  type ObserveInput,
  type ObserveResult,
  observeService,
} from './observe-service.js';
import { type PodFailure, type PodView } from './pod-view.js';

/** A member pod of a group: its view and its index in the group (0 = the leader). */
export interface GroupMember {
  readonly view: PodView;
  /** `apps.kubernetes.io/pod-index`; null when the label is missing. */
  readonly index: number | null;
}

/** One group (instance) as the caches show it. */
export interface ObservedGroup {
  readonly index: number;
  /** The StatefulSet's name (`ms-<id>-g<k>`): the instance's name in reasons. */
  readonly name: string;
  /** The StatefulSet exists and is not being deleted. */
  readonly exists: boolean;
  /** The pod-template revision of the service's desired spec (what the group ends on). */
  readonly desiredRevision: string;
  /**
   * The revision of the template on the group's StatefulSet now: the desired one once the
   * rollout reached this group; until then the previous one (upgrades go group by group).
   */
  readonly appliedRevision: string;
  /** Every member pod, in any phase. */
  readonly members: readonly GroupMember[];
  /** Restarts the reconciler made (from the StatefulSet's annotation). */
  readonly restarts: readonly GroupRestartRecord[];
  /**
   * The uids of the members when the group last formed (all N ready together), from the
   * StatefulSet's annotation; null while it has not formed since it was (re)created.
   */
  readonly formed: readonly string[] | null;
}

export interface ObserveGroupsInput extends Pick<
  ObserveInput,
  'state' | 'pending' | 'stateChangedAt' | 'now' | 'limits'
> {
  /** Desired groups (instances). */
  readonly instances: number;
  /** Members per group (servers per instance). */
  readonly groupSize: number;
  /** The groups of the caches (missing ones simply absent; extra ones are being removed). */
  readonly groups: readonly ObservedGroup[];
}

/** A group to restart: delete every member at once (LWS's RecreateGroupOnPodRestart). */
export interface GroupRestart {
  readonly group: number;
  readonly record: GroupRestartRecord;
}

export interface ObserveGroupsResult extends ObserveResult {
  /** Groups with a failed, restarted or replaced member: restart them whole. */
  readonly restart: readonly GroupRestart[];
  /**
   * Groups whose StatefulSet carries the desired template but some member does not (an
   * upgrade reached this group, updateStrategy OnDelete): replace all members at once.
   */
  readonly replace: readonly number[];
  /** Groups that serve with no formation on record: write their members' uids. */
  readonly formed: readonly { readonly group: number; readonly uids: readonly string[] }[];
}

/** Health of one group, as the group-as-a-whole rules judge it. */
interface MemberFailure {
  readonly pod: string;
  readonly uid: string | undefined;
  readonly failure: PodFailure;
}

interface GroupHealth {
  /** Exactly `groupSize` live members (one per index), all ready, all of one revision. */
  readonly serving: boolean;
  /** Serving, on the desired revision. */
  readonly ready: boolean;
  /** A live member failed, restarted, or was replaced after the group formed. */
  readonly failure: MemberFailure | null;
  /** That failure already has its restart record (the restart was made; caches lag). */
  readonly recorded: boolean;
  /** Some live member is of another revision than the StatefulSet's template. */
  readonly stale: boolean;
  /** Some member is being deleted (a restart or replacement in progress). */
  readonly restarting: boolean;
  /** The live members' uids (sorted). */
  readonly uids: string[];
}

/**
 * The observation of a service of instance groups (pure). A group counts as one instance:
 * it is ready only when every member is ready on the current spec; a member that failed
 * (Failed phase, a container restart) or was replaced after the leader became ready breaks
 * the model (a missing shard), so the whole group restarts and is not ready meanwhile; every
 * restart is kept as a record on the group's StatefulSet, which counts like a crash of a
 * single-server instance: CRASH_LOOP_FAILURES of them during a deploy/start/scale/upgrade
 * fail it, and one within RESTART_WINDOW_SECONDS keeps a running service in alarm (partial
 * failure of some groups → `some_unhealthy` → alarm). The verdict is `observeService`'s own,
 * over one synthetic view per group, so both kinds of service follow the same rules.
 */
export function observeGroups(input: ObserveGroupsInput): ObserveGroupsResult {
  const byIndex = new Map(input.groups.map((g) => [g.index, g]));
  const actions: Actions = { restart: [], replace: [], formed: [] };
  const views: PodView[] = [];
  let ready = 0;
  for (let index = 0; index < input.instances; index++) {
    const group = byIndex.get(index);
    const health = group ? groupHealth(group, input.groupSize) : null;
    if (group && health) decide(group, health, input.now, actions);
    if (health?.serving) ready++;
    views.push(groupView(index, group, health, input));
  }
  const { restart, replace, formed } = actions;
  const verdict = observeService({
    state: input.state,
    instances: input.instances,
    pending: input.pending,
    stateChangedAt: input.stateChangedAt,
    deployment: undefined,
    desiredHash: '',
    desiredRevision: CURRENT,
    pods: views,
    now: input.now,
    limits: input.limits,
  });
  const members = input.groups.flatMap((g) => g.members.map((m) => m.view));
  return {
    ...verdict,
    readyInstances: Math.min(ready, input.instances),
    instanceStatuses: instanceStatuses({ pods: members, now: input.now, limits: input.limits }),
    restart,
    replace,
    formed,
  };
}

const CURRENT = 'current';

interface Actions {
  restart: GroupRestart[];
  replace: number[];
  formed: { group: number; uids: readonly string[] }[];
}

/** What to do about one group: restart it, replace its members, or record its formation. */
function decide(group: ObservedGroup, health: GroupHealth, now: Date, actions: Actions): void {
  if (health.failure && !health.restarting && !health.recorded)
    actions.restart.push({
      group: group.index,
      record: recordOf(health.failure, now, group.appliedRevision),
    });
  else if (health.stale && group.exists && !health.restarting) actions.replace.push(group.index);
  else if (health.serving && !health.failure && group.formed === null)
    actions.formed.push({ group: group.index, uids: health.uids });
}

function groupHealth(group: ObservedGroup, groupSize: number): GroupHealth {
  const live = group.members.filter((m) => !m.view.terminated && !m.view.deleting);
  const restarting = group.members.some((m) => m.view.deleting && !m.view.terminated);
  const stale = live.some((m) => m.view.revision !== group.appliedRevision);
  const serving =
    group.exists &&
    live.length === groupSize &&
    new Set(live.map((m) => m.view.revision)).size === 1 &&
    live.every((m) => m.view.ready) &&
    new Set(live.map((m) => m.index)).size === groupSize;
  const ready = serving && live[0]?.view.revision === group.desiredRevision;
  const failure = memberFailure(group.members, group.formed);
  const recorded = failure?.uid !== undefined && group.restarts.some((r) => r.uid === failure.uid);
  const uids = live.map((m) => m.view.uid ?? '').sort();
  return { serving, ready, failure, stale, restarting, recorded, uids };
}

/**
 * The failure that breaks a group: a member (not being deleted) that failed or whose
 * container restarted, or a member that is not one of those the group formed with — the
 * StatefulSet controller replaces a Failed pod at once (often before a pass sees it Failed),
 * so a stranger in a formed group is the trace it leaves; a replaced worker cannot rejoin a
 * running model server, and a replaced leader has lost its workers' Ray cluster.
 */
function memberFailure(
  members: readonly GroupMember[],
  formed: readonly string[] | null,
): MemberFailure | null {
  const current = members.filter((m) => !m.view.deleting);
  const failed = current.find((m) => m.view.phase === 'Failed' || m.view.restarts > 0);
  if (failed?.view.lastFailure)
    return { pod: failed.view.name, uid: failed.view.uid, failure: failed.view.lastFailure };
  if (formed === null) return null;
  const stranger = current.find(
    (m) => !m.view.terminated && m.view.uid !== undefined && !formed.includes(m.view.uid),
  );
  if (!stranger) return null;
  return {
    pod: stranger.view.name,
    uid: stranger.view.uid,
    failure: {
      at: stranger.view.createdAt,
      reason: 'MemberReplaced',
      message: `created at ${stranger.view.createdAt.toISOString()}, after the group formed`,
      exitCode: null,
    },
  };
}

function recordOf(cause: MemberFailure, now: Date, revision: string): GroupRestartRecord {
  return {
    at: now.toISOString(),
    pod: cause.pod,
    ...(cause.uid ? { uid: cause.uid } : {}),
    reason: cause.failure.reason,
    exitCode: cause.failure.exitCode,
    message: cause.failure.message,
    revision,
  };
}

/**
 * One view standing for the whole group, for `observeService`: ready when the group is,
 * of the current revision when every member is, unschedulable/waiting when a member is; its
 * restarts are the group restarts since the state began (plus the one about to be made);
 * its last failure the latest of those.
 */
function groupView(
  index: number,
  group: ObservedGroup | undefined,
  health: GroupHealth | null,
  input: ObserveGroupsInput,
): PodView {
  const live = (group?.members ?? [])
    .map((m) => m.view)
    .filter((m) => !m.terminated && !m.deleting);
  const ready = health !== null && health.ready;
  return {
    name: group ? group.name : `group ${index}`,
    node: null,
    phase: ready ? 'Running' : 'Pending',
    ready,
    readySince: ready ? latest(live.map((m) => m.readySince)) : null,
    restarts: restartsSince(group, health, input.stateChangedAt),
    createdAt: input.now,
    // Groups the rollout has not reached yet are of an older spec (their failures are not the
    // new spec's); missing groups will be created with the current one.
    revision: !group || group.appliedRevision === group.desiredRevision ? CURRENT : 'previous',
    deleting: false,
    terminated: false,
    ...memberSignals(live, ready ? null : restartInProgress(group)),
    lastFailure: lastGroupFailure(group, health),
  };
}

/**
 * Why a group that is down after a restart is down: its last restart, until the new members
 * form (formation recorded) — not only for RESTART_WINDOW_SECONDS as the failure itself, since
 * a group of big models can take longer than that to load again. A restart of an older
 * template revision is not it (an upgrade replaced the members since).
 */
function restartInProgress(group: ObservedGroup | undefined): PodView['waiting'] {
  const last = group?.restarts.at(-1);
  if (!group || !last || group.formed !== null || last.revision !== group.appliedRevision)
    return null;
  const detail = last.message ? `: ${last.message}` : '';
  return { reason: 'GroupRestarting', message: `member ${last.pod} ${last.reason}${detail}` };
}

/**
 * What the group shows of its live members: a waiting reason (a member's own first: image
 * and crash-loop problems are judged from it; else the restart the group is recovering from),
 * unschedulable, version.
 */
function memberSignals(
  live: readonly PodView[],
  restarting: PodView['waiting'],
): Pick<PodView, 'waiting' | 'unschedulable' | 'modelVersion'> {
  return {
    modelVersion: live[0]?.modelVersion,
    waiting: live.find((m) => m.waiting)?.waiting ?? restarting,
    unschedulable: live.find((m) => m.unschedulable)?.unschedulable ?? null,
  };
}

/** Group restarts since the state began, plus the one this pass is about to make. */
function restartsSince(
  group: ObservedGroup | undefined,
  health: GroupHealth | null,
  stateChangedAt: Date,
): number {
  const since = stateChangedAt.getTime();
  const recorded = (group?.restarts ?? []).filter((r) => Date.parse(r.at) >= since).length;
  return recorded + (health?.failure && !health.restarting && !health.recorded ? 1 : 0);
}

function lastGroupFailure(
  group: ObservedGroup | undefined,
  health: GroupHealth | null,
): PodFailure | null {
  const failures = (group?.restarts ?? []).map(failureOf);
  if (health?.failure && !health.recorded) failures.push(memberLabelled(health.failure));
  let last: PodFailure | null = null;
  for (const f of failures) if (!last || f.at > last.at) last = f;
  return last;
}

function failureOf(record: GroupRestartRecord): PodFailure {
  return memberLabelled({
    pod: record.pod,
    failure: {
      at: new Date(record.at),
      reason: record.reason,
      message: record.message,
      exitCode: record.exitCode,
    },
  });
}

/** The failure, saying which member it was (the group is the instance in reasons). */
function memberLabelled(cause: { pod: string; failure: PodFailure }): PodFailure {
  const detail = cause.failure.message ? `: ${cause.failure.message}` : '';
  return { ...cause.failure, message: `member ${cause.pod}${detail} (the group restarts)` };
}

function latest(dates: readonly (Date | null)[]): Date | null {
  let max: Date | null = null;
  for (const d of dates) if (d && (!max || d > max)) max = d;
  return max;
}
