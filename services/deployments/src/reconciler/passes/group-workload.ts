import {
  type KubernetesObject,
  type V1Node,
  type V1Pod,
  type V1Service,
  type V1StatefulSet,
} from '@kubernetes/client-node';
import { type Logger } from '@nestjs/common';
import { type FreeNpus, placeInstances } from '../../admission/index.js';
import { type ModelCatalog } from '../../catalog/index.js';
import { type KubeClient } from '../../kubernetes/kube-client.js';
import { type ModelServiceEntity } from '../../model-services/model-service.entity.js';
import { type ServiceObservations } from '../../model-services/service-observations.js';
import { type PoolEntity } from '../../pools/pool.entity.js';
import { type OtherPodsSource } from './other-pods.js';
import { LABEL } from '../../workloads/labels.js';
import { headlessFor, revisionOf, withHash } from '../desired/desired-objects.js';
import { desiredEdgeService } from '../../edge/edge-service.js';
import {
  GROUP_ANNOTATION,
  formedOf,
  GROUP_LABEL,
  type GroupRestartRecord,
  groupOf,
  membersServiceName,
  restartsOf,
  withRestart,
} from '../desired/group-objects.js';
import {
  groupsToApply,
  inPlaceReason,
  planRollout,
  type Room,
  type RolloutInput,
  type StandInGroup,
  wantsStandIn,
} from '../desired/group-rollout.js';
import {
  type GroupMember,
  type ObservedGroup,
  type ObserveGroupsResult,
  observeGroups,
} from '../observe/observe-groups.js';
import { type ObserveLimits } from '../observe/observe-service.js';
import { podView } from '../observe/pod-view.js';
import { GroupRoom } from './group-room.js';
import { type RenderedGroups, renderGroups } from './render-workload.js';

/** What the group workload reads from the cluster cache. */
export interface GroupCache {
  statefulSetsOf(serviceId: string): readonly V1StatefulSet[];
  podsOf(serviceId: string): readonly V1Pod[];
  servicesOf(serviceId: string): readonly V1Service[];
  readonly nodes: { list(): readonly V1Node[] };
  readonly pods: { list(): readonly V1Pod[] };
}

/** How objects are applied (the reconciler's WorkloadApplier: SSA, skipped on equal hash). */
export interface GroupApplier {
  ensureNamespace(namespace: string, projectId: string): Promise<void>;
  ensure<T extends KubernetesObject>(
    desired: T,
    current: T | undefined,
    matches?: (current: T) => boolean,
  ): Promise<T>;
  /** Remembers a write made outside `ensure` (see WorkloadApplier.wrote). */
  wrote<T extends KubernetesObject>(kind: string, object: T): void;
  /** The object as last written while the cache does not show that write yet. */
  latest<T extends KubernetesObject>(kind: string, current: T): T;
}

export interface GroupWorkloadDeps {
  readonly cache: GroupCache;
  readonly kube: KubeClient;
  /** Other workloads' pods, as admission reads them (one OtherPods per leadership term). */
  readonly otherPods: OtherPodsSource;
  /** The pool's queue and admitted services (room is counted the way admission counts it). */
  readonly observations: Pick<ServiceObservations, 'queuedOn' | 'admittedOn'>;
  readonly applier: GroupApplier;
  readonly catalog: ModelCatalog;
  readonly installation: string;
  readonly limits: ObserveLimits;
  readonly logger: Logger;
}

export type GroupRunOutcome =
  | { readonly kind: 'failed'; readonly reason: string }
  | {
      readonly kind: 'observed';
      readonly result: ObserveGroupsResult;
      /** Groups not created yet: their servers are not all free at once (gang). */
      readonly waitingForRoom: readonly number[];
      /** The upgrade goes in place, and why (the service's status reason); null otherwise. */
      readonly inPlace: string | null;
      /** To run once the observation is reported (records of groups that formed). */
      readonly afterReport: () => Promise<void>;
    };

/** While a new group waits for room, look again this often (pods freeing NPUs are not ours). */
export const ROOM_RECHECK_MS = 5_000;

/**
 * The workload of a service of instance groups (multi-server flavor), one pass at a time:
 * apply the Services and one StatefulSet per group (a group is created only when all its
 * servers are free at once; upgrades roll group by group), remove groups beyond the desired
 * count (scale-in: whole groups, highest index first), observe (`observeGroups`), restart a
 * group with a failed member (a record on its StatefulSet, then every member deleted at once:
 * the Parallel StatefulSet recreates them together), and replace the members of a group the
 * rollout has reached. Stop deletes the StatefulSets (a start recreates them); the Services
 * stay until the service is deleted.
 */
export class GroupWorkload {
  private readonly room: GroupRoom;

  constructor(private readonly deps: GroupWorkloadDeps) {
    this.room = new GroupRoom(deps);
  }

  async run(row: ModelServiceEntity, pool: PoolEntity): Promise<GroupRunOutcome> {
    const { applier, cache, catalog, installation } = this.deps;
    const rendered = renderGroups(row, pool, catalog, { installation });
    if (!rendered.ok) return { kind: 'failed', reason: rendered.reason };
    await applier.ensureNamespace(row.k8sNamespace, row.projectId);
    // The StatefulSets first: their pods take longest; the Services follow in the same pass.
    // As last written by us: the cache of pods can already show what a restart record (an
    // annotation) led to while the cache of StatefulSets does not show the record yet.
    const sets = liveSets(cache.statefulSetsOf(row.id).map((s) => applier.latest(STATEFUL_SET, s)));
    const members = membersByGroup(cache.podsOf(row.id));
    const { applied, waitingForRoom, keep, inPlace } = await this.applyGroups(
      row,
      pool,
      rendered,
      sets,
      members,
    );
    await this.removeExtraGroups(row.instances, sets, keep);
    await this.applyServices(row, pool, rendered);

    const result = observeGroups({
      state: row.state,
      instances: row.instances,
      groupSize: rendered.groupSize,
      pending: row.pending,
      stateChangedAt: row.stateChangedAt,
      groups: observedGroups(row, rendered, sets, applied, members),
      now: new Date(),
      limits: this.deps.limits,
    });
    const setOf = (k: number) => applied.get(k) ?? sets.get(k);
    for (const restart of result.restart) {
      const set = setOf(restart.group);
      if (set) await this.restartGroup(row, set, restart.record);
    }
    for (const group of result.replace) {
      const set = setOf(group);
      if (set) await this.annotate(set, { [GROUP_ANNOTATION.formed]: null });
      await this.deleteMembers(row, group, 'upgrade');
    }
    // Formation records wait until the observation is reported (`afterReport`): a group that
    // just formed must not delay its service's transition to running.
    const afterReport = async () => {
      for (const { group, uids } of result.formed) {
        const set = setOf(group);
        if (set) await this.annotate(set, { [GROUP_ANNOTATION.formed]: uids.join(',') });
      }
    };
    return { kind: 'observed', result, waitingForRoom, inPlace, afterReport };
  }

  /** The members' headless Service, the leader Service and, on an edge pool, the edge one. */
  private async applyServices(
    row: ModelServiceEntity,
    pool: PoolEntity,
    rendered: RenderedGroups,
  ): Promise<void> {
    const { applier, cache } = this.deps;
    const services = cache.servicesOf(row.id);
    const named = (name: string | undefined) => services.find((s) => s.metadata?.name === name);
    await applier.ensure(rendered.membersService, named(membersServiceName(row.k8sName)));
    const existing = named(row.k8sName);
    const leader = rendered.leaderService(headlessFor(existing));
    await applier.ensure(leader, existing);
    if (pool.edge) {
      // An edge pool's extra Service (src/edge/edge-service.ts), in front of the leaders.
      const edge = withHash(desiredEdgeService(leader, pool.edge));
      await applier.ensure(edge, named(edge.metadata?.name));
    }
  }

  /** Stop: every group's StatefulSet goes (its pods with it); Services stay. */
  async stop(serviceId: string): Promise<void> {
    for (const set of this.deps.cache.statefulSetsOf(serviceId))
      if (!set.metadata?.deletionTimestamp) await this.deps.kube.delete(refOf(set), 'Background');
  }

  /** Delete: like stop; returns how many StatefulSets the cache still shows. */
  async remove(serviceId: string): Promise<number> {
    await this.stop(serviceId);
    return this.deps.cache.statefulSetsOf(serviceId).length;
  }

  /**
   * Applies the groups `planRollout` picks. A group that does not exist yet — a missing one
   * or an upgrade's stand-in (index = instances) — is created only if a placement of all its
   * members on distinct servers exists in the pool's free NPUs now (gang, `GroupRoom`):
   * otherwise its pods would take some servers and wait for the others.
   */
  private async applyGroups(
    row: ModelServiceEntity,
    pool: PoolEntity,
    rendered: RenderedGroups,
    sets: ReadonlyMap<number, V1StatefulSet>,
    members: ReadonlyMap<number, GroupMember[]>,
  ): Promise<{
    applied: Map<number, V1StatefulSet>;
    waitingForRoom: number[];
    /** The stand-in's index while it stays (not removed as a group beyond the count). */
    keep: number | null;
    inPlace: string | null;
  }> {
    const shape = {
      serviceId: row.id,
      npusPerInstance: row.npusPerInstance,
      nodesPerInstance: rendered.groupSize,
    };
    const standInIndex = row.instances;
    const input = rolloutInput(row, rendered, sets, members);
    let room: Room = null;
    if (wantsStandIn(input)) room = await this.room.standIn(pool, shape);
    const plan = planRollout(input, room);
    const inPlace = plan.inPlace
      ? inPlaceReason(plan.inPlace, row.instances, rendered.groupSize)
      : null;
    // Said before done: no serving group goes down in place until the service shows why (the
    // choice is made once, when the upgrade starts; a pass that failed after taking the first
    // group down would otherwise never say it). The observation's change brings the next pass.
    const apply =
      inPlace && row.stateReason !== inPlace
        ? groupsToApply(row.instances, input.groups, true)
        : plan.apply;

    const applied = new Map<number, V1StatefulSet>();
    const waitingForRoom: number[] = [];
    let free: FreeNpus | null = null;
    const place = async (): Promise<boolean> => {
      free ??= await this.room.free(pool, shape);
      const placement = placeInstances(free, { ...shape, instances: 1 });
      if (placement.placed) free = placement.free;
      return placement.placed;
    };
    const ensure = async (k: number) => {
      const want = rendered.statefulSet(k);
      applied.set(
        k,
        await this.deps.applier.ensure(
          want,
          sets.get(k),
          (c) => c.spec?.replicas === want.spec?.replicas,
        ),
      );
    };
    for (const k of apply) {
      if (!sets.has(k) && !(await place())) waitingForRoom.push(k);
      else await ensure(k);
    }
    let keep: number | null = null;
    if (plan.standIn === 'keep') {
      await ensure(standInIndex);
      keep = standInIndex;
    } else if (plan.standIn === 'create') {
      // Room was found with admission's plan; `place` checks it again on this pass's numbers
      // (the missing groups above may have taken some). No room after all: look again soon.
      if (await place()) {
        this.deps.logger.log({ msg: 'upgrade: creating a stand-in group', service: row.id });
        await ensure(standInIndex);
        keep = standInIndex;
      } else waitingForRoom.push(standInIndex);
    }
    return { applied, waitingForRoom, keep, inPlace };
  }

  /**
   * Scale-in: whole groups beyond the desired count go; so does an upgrade's stand-in once
   * the plan no longer keeps it (`keep`).
   */
  private async removeExtraGroups(
    instances: number,
    sets: ReadonlyMap<number, V1StatefulSet>,
    keep: number | null,
  ): Promise<void> {
    for (const [k, set] of sets)
      if (k >= instances && k !== keep) await this.deps.kube.delete(refOf(set), 'Background');
  }

  /**
   * Restarts a group: the restart is recorded on its StatefulSet first (and its formation
   * forgotten: the new members form a new group), then every member is deleted in one
   * request. Pods gone, the record is what says the group crashed.
   */
  private async restartGroup(
    row: ModelServiceEntity,
    set: V1StatefulSet,
    record: GroupRestartRecord,
  ): Promise<void> {
    await this.annotate(set, {
      [GROUP_ANNOTATION.restarts]: withRestart(restartsOf(set), record),
      [GROUP_ANNOTATION.formed]: null,
    });
    await this.deleteMembers(row, groupOf(set) ?? -1, `member ${record.pod}: ${record.reason}`);
  }

  /**
   * Sets (null: removes) annotations of a group's StatefulSet with a JSON patch (a stale view
   * of the restart records fails it as a conflict, and the pass is retried). Neither a
   * conditional update of the whole object — the controller's status writes made it a 409 just
   * as the group became ready, and a formation record lost that way let a member replaced
   * meanwhile pass for one of the group — nor server-side apply: these fields are state the
   * reconciler keeps, not part of the desired spec (whose hash they would change).
   */
  private async annotate(
    set: V1StatefulSet,
    changes: Readonly<Record<string, string | null>>,
  ): Promise<void> {
    // The restart records are a list this pass extends: a view older than the last record
    // must fail (the pass is retried) rather than drop it.
    const written = await this.deps.kube.patchStatefulSetAnnotations(set, changes, [
      GROUP_ANNOTATION.restarts,
    ]);
    this.deps.applier.wrote(STATEFUL_SET, written);
  }

  private async deleteMembers(row: ModelServiceEntity, group: number, why: string) {
    this.deps.logger.log({ msg: 'restarting an instance group', service: row.id, group, why });
    await this.deps.kube.deletePods(row.k8sNamespace, {
      labelSelector: [
        `${LABEL.serviceId}=${row.id}`,
        `${LABEL.installation}=${this.deps.installation}`,
        `${GROUP_LABEL.group}=${group}`,
      ].join(','),
    });
  }
}

const STATEFUL_SET = 'StatefulSet';

function range(n: number): number[] {
  return Array.from({ length: Math.max(0, n) }, (_, i) => i);
}

/** The service's StatefulSets not being deleted, by group index. */
function liveSets(sets: readonly V1StatefulSet[]): Map<number, V1StatefulSet> {
  const byGroup = new Map<number, V1StatefulSet>();
  for (const set of sets) {
    const k = groupOf(set);
    if (k !== null && !set.metadata?.deletionTimestamp) byGroup.set(k, set);
  }
  return byGroup;
}

/** The service's pods by group, with their member index. */
function membersByGroup(pods: readonly V1Pod[]): Map<number, GroupMember[]> {
  const byGroup = new Map<number, GroupMember[]>();
  for (const pod of pods) {
    const k = groupOf(pod);
    if (k === null) continue;
    const raw = pod.metadata?.labels?.[GROUP_LABEL.podIndex];
    const index = raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : null;
    byGroup.set(k, [...(byGroup.get(k) ?? []), { view: podView(pod), index }]);
  }
  return byGroup;
}

/** The rollout's view of the service's groups and of its stand-in (index = instances). */
function rolloutInput(
  row: ModelServiceEntity,
  rendered: RenderedGroups,
  sets: ReadonlyMap<number, V1StatefulSet>,
  members: ReadonlyMap<number, GroupMember[]>,
): RolloutInput {
  const revision = (k: number) => revisionOf(rendered.statefulSet(k).spec?.template);
  const membersOf = (k: number) => members.get(k) ?? [];
  const standInIndex = row.instances;
  const standInSet = sets.get(standInIndex);
  const standInMembers = membersOf(standInIndex).filter((m) => !m.view.deleting);
  // Its members can show before its StatefulSet does (two informers): it exists then too.
  const standIn =
    standInSet || standInMembers.length > 0
      ? standInOf(standInSet, revision(standInIndex), standInMembers, rendered.groupSize)
      : null;
  return {
    instances: row.instances,
    groups: range(row.instances).map((k) => ({
      index: k,
      exists: sets.has(k),
      current: revisionOf(sets.get(k)?.spec?.template) === revision(k),
      serving: serving(membersOf(k), rendered.groupSize),
      updated: membersOf(k).every(
        (m) => m.view.deleting || m.view.terminated || m.view.revision === revision(k),
      ),
    })),
    upgrading: row.state === 'upgrading',
    standIn,
  };
}

/**
 * The stand-in as the rollout sees it: failed when a member failed, restarted, cannot be
 * scheduled or cannot start (an image problem): it is removed and the upgrade goes in place,
 * where the service's own rules judge the new revision.
 */
function standInOf(
  set: V1StatefulSet | undefined,
  desiredRevision: string | undefined,
  members: readonly GroupMember[],
  groupSize: number,
): StandInGroup {
  const live = members.filter((m) => !m.view.deleting);
  return {
    current: set
      ? revisionOf(set.spec?.template) === desiredRevision
      : live.every((m) => m.view.revision === desiredRevision),
    serving: serving(members, groupSize),
    failed: live.some(
      (m) =>
        m.view.phase === 'Failed' ||
        m.view.restarts > 0 ||
        m.view.unschedulable !== null ||
        m.view.waiting !== null,
    ),
  };
}

/** Every member live and ready: the group serves (whatever its revision). */
function serving(members: readonly GroupMember[], groupSize: number): boolean {
  const live = members.filter((m) => !m.view.terminated && !m.view.deleting);
  return live.length === groupSize && live.every((m) => m.view.ready);
}

function observedGroups(
  row: ModelServiceEntity,
  rendered: RenderedGroups,
  sets: ReadonlyMap<number, V1StatefulSet>,
  applied: ReadonlyMap<number, V1StatefulSet>,
  members: ReadonlyMap<number, GroupMember[]>,
): ObservedGroup[] {
  const indices = new Set([...sets.keys(), ...applied.keys(), ...members.keys()]);
  return [...indices]
    .filter((k) => k < row.instances)
    .map((k) => {
      const set = applied.get(k) ?? sets.get(k);
      const desired = rendered.statefulSet(k);
      return {
        index: k,
        name: desired.metadata?.name ?? `group ${k}`,
        exists: set !== undefined,
        desiredRevision: revisionOf(desired.spec?.template) ?? '',
        appliedRevision: revisionOf(set?.spec?.template) ?? '',
        members: members.get(k) ?? [],
        restarts: restartsOf(set),
        formed: formedOf(set),
      };
    });
}

function refOf(object: KubernetesObject) {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: object.metadata?.name ?? '', namespace: object.metadata?.namespace },
  };
}
