import {
  type KubernetesObject,
  type V1Node,
  type V1Pod,
  type V1StatefulSet,
} from '@kubernetes/client-node';
import { type Logger } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_CATALOG } from '../../catalog/index.js';
import { type KubeClient } from '../../kubernetes/kube-client.js';
import { type ModelServiceEntity } from '../../model-services/model-service.entity.js';
import { type PoolEntity } from '../../pools/pool.entity.js';
import { type GroupApplier, type GroupCache, GroupWorkload } from './group-workload.js';
import { OtherPods } from './other-pods.js';
import { hashOf } from '../desired/desired-objects.js';

const NS = 'maas-p';
const row = (instances: number, state: ModelServiceEntity['state'] = 'running') =>
  ({
    id: 's1',
    name: 'r1',
    accountId: 'acc',
    projectId: 'p',
    k8sNamespace: NS,
    k8sName: 'ms-s1',
    modelId: 'deepseek-r1',
    modelVersion: '1.0.0',
    variantId: '8k',
    flavorId: 'ascend-910b-2x8',
    poolId: 'pool-1',
    port: 8000,
    instances,
    npusPerInstance: 16,
    nodesPerInstance: 2,
    state,
    pending: null,
    stateChangedAt: new Date(Date.now() - 60_000),
  }) as unknown as ModelServiceEntity;

const pool = {
  id: 'pool-1',
  accountId: 'acc',
  nodeSelector: { 'maas.io/pool': 'a' },
  taint: null,
  npuResourceName: 'huawei.com/Ascend910',
} as unknown as PoolEntity;

const node = (name: string): V1Node => ({
  metadata: { name, labels: { 'maas.io/pool': 'a', 'maas.io/account': 'acc' } },
  status: {
    allocatable: { 'huawei.com/Ascend910': '8' },
    conditions: [{ type: 'Ready', status: 'True' }],
  },
});

const busy = (nodeName: string, npus: string): V1Pod => ({
  metadata: { name: `busy-${nodeName}`, labels: {} },
  spec: {
    nodeName,
    containers: [{ name: 'c', resources: { requests: { 'huawei.com/Ascend910': npus } } }],
  },
  status: { phase: 'Running' },
});

/** A live, ready member of group k of the current spec (from the applied StatefulSet). */
function member(set: V1StatefulSet, index: number, uid = `${set.metadata?.name}-${index}`): V1Pod {
  return {
    metadata: {
      name: `${set.metadata?.name}-${index}`,
      uid,
      creationTimestamp: new Date(Date.now() - 30_000),
      labels: {
        ...set.spec?.template.metadata?.labels,
        'apps.kubernetes.io/pod-index': String(index),
      },
    },
    spec: { nodeName: `n${index}`, containers: [] },
    status: {
      phase: 'Running',
      conditions: [
        { type: 'Ready', status: 'True', lastTransitionTime: new Date(Date.now() - 20_000) },
      ],
    },
  };
}

/** The same StatefulSet on a previous template (an upgrade has not reached it). */
function outdated(set: V1StatefulSet): V1StatefulSet {
  const spec = set.spec as NonNullable<V1StatefulSet['spec']>;
  return {
    ...set,
    metadata: {
      ...set.metadata,
      annotations: { ...set.metadata?.annotations, 'maas.io/spec-hash': 'old' },
    },
    spec: {
      ...spec,
      template: {
        ...spec.template,
        metadata: {
          ...spec.template.metadata,
          labels: { ...spec.template.metadata?.labels, 'maas.io/revision': 'old' },
        },
      },
    },
  };
}

/** Members of group k on nodes `nodes` (ready unless `ready` is false). */
function members(set: V1StatefulSet, nodes: string[], ready = true): V1Pod[] {
  return nodes.map((n, i) => {
    const pod = member(set, i);
    return {
      ...pod,
      spec: {
        nodeName: n,
        containers: [{ name: 'c', resources: { requests: { 'huawei.com/Ascend910': '8' } } }],
      },
      status: ready ? pod.status : { phase: 'Pending' },
    };
  });
}

function world(
  opts: {
    sets?: V1StatefulSet[];
    pods?: V1Pod[];
    nodes?: V1Node[];
    /** Pods in the cache that are not this service's (other services of the installation). */
    others?: V1Pod[];
    /** Pods only the live list shows (other workloads, other installations). */
    live?: V1Pod[];
    queued?: { id: string }[];
    admitted?: { id: string; instances: number }[];
  } = {},
) {
  const calls: string[] = [];
  const applied: KubernetesObject[] = [];
  const cache: GroupCache = {
    statefulSetsOf: () => opts.sets ?? [],
    podsOf: () => opts.pods ?? [],
    servicesOf: () => [],
    nodes: { list: () => opts.nodes ?? ['n0', 'n1', 'n2', 'n3'].map(node) },
    pods: { list: () => [...(opts.pods ?? []), ...(opts.others ?? [])] },
  };
  // What the workload wrote outside `ensure`, by name (WorkloadApplier keeps it per term).
  const written = new Map<string, KubernetesObject>();
  const applier: GroupApplier = {
    wrote: (_kind, object) => void written.set(object.metadata?.name ?? '', object),
    latest: <T extends KubernetesObject>(_kind: string, current: T) => {
      const mine = written.get(current.metadata?.name ?? '') as T | undefined;
      return mine && mine.metadata?.resourceVersion !== current.metadata?.resourceVersion
        ? mine
        : current;
    },
    ensureNamespace: () => Promise.resolve(),
    ensure: <T extends KubernetesObject>(desired: T, current: T | undefined) => {
      // As WorkloadApplier does: an object already of the desired spec is left alone.
      if (current && hashOf(current) === hashOf(desired)) return Promise.resolve(current);
      applied.push(desired);
      calls.push(`apply ${desired.kind} ${desired.metadata?.name}`);
      return Promise.resolve({ ...desired, metadata: { ...desired.metadata, uid: 'u' } });
    },
  };
  const kube = {
    delete: (ref: KubernetesObject) => {
      calls.push(`delete ${ref.kind} ${ref.metadata?.name}`);
      return Promise.resolve(true);
    },
    patchStatefulSetAnnotations: (set: V1StatefulSet, changes: Record<string, string | null>) => {
      const annotations = { ...set.metadata?.annotations };
      for (const [key, value] of Object.entries(changes))
        if (value === null) delete annotations[key];
        else annotations[key] = value;
      const keys = Object.keys(annotations).filter((k) => k.startsWith('maas.io/group-'));
      calls.push(`annotate ${set.metadata?.name} ${keys.sort().join(',')}`);
      return Promise.resolve({
        ...set,
        metadata: { ...set.metadata, annotations, resourceVersion: 'w' },
      });
    },
    deletePods: (_ns: string, options: { labelSelector?: string }) => {
      calls.push(`delete pods ${options.labelSelector?.split(',').at(-1)}`);
      return Promise.resolve();
    },
    listPods: () => Promise.resolve({ items: opts.live ?? [] }),
  } as unknown as KubeClient;
  const shape = { npusPerInstance: 16, nodesPerInstance: 2 };
  const observations = {
    queuedOn: () =>
      Promise.resolve(
        (opts.queued ?? []).map((q) => ({ ...q, ...shape, instances: 1, queuedAt: new Date() })),
      ),
    admittedOn: () =>
      Promise.resolve(
        (opts.admitted ?? []).map((a) => ({ ...a, ...shape, state: 'deploying' as const })),
      ),
  };
  const logger = { log: () => undefined, debug: () => undefined } as unknown as Logger;
  const workload = new GroupWorkload({
    cache,
    kube,
    otherPods: new OtherPods(kube, 'inst'),
    observations,
    applier,
    catalog: BUILT_IN_CATALOG,
    installation: 'inst',
    limits: {
      schedulingDeadlineMs: 300_000,
      startTimeoutMs: 1_800_000,
      crashLoopFailures: 3,
      restartWindowMs: 300_000,
    },
    logger,
  });
  return { workload, calls, applied };
}

/** The StatefulSet the workload would apply for group k (from a dry world). */
async function desiredSet(instances: number, k: number): Promise<V1StatefulSet> {
  const { workload, applied } = world();
  await workload.run(row(instances, 'deploying'), pool);
  return applied.find((o) => o.metadata?.name === `ms-s1-g${k}`) as V1StatefulSet;
}

describe('GroupWorkload', () => {
  it('applies the Services, then one StatefulSet per group', async () => {
    const { workload, calls } = world();
    const outcome = await workload.run(row(2, 'deploying'), pool);
    expect(calls).toEqual([
      'apply StatefulSet ms-s1-g0',
      'apply StatefulSet ms-s1-g1',
      'apply Service ms-s1-members',
      'apply Service ms-s1',
    ]);
    expect(outcome).toMatchObject({ kind: 'observed', waitingForRoom: [] });
  });

  it('creates a group only when all its servers are free at once (gang)', async () => {
    // n0 full, n1 has 7 free: one whole group fits (n2, n3), not two.
    const { workload, calls } = world({ others: [busy('n0', '8'), busy('n1', '1')] });
    const outcome = await workload.run(row(2, 'deploying'), pool);
    expect(calls.filter((c) => c.includes('StatefulSet'))).toEqual(['apply StatefulSet ms-s1-g0']);
    expect(outcome).toMatchObject({ kind: 'observed', waitingForRoom: [1] });
  });

  it("counts every pod on the pool's servers, ours or not, the way admission does", async () => {
    // n0 and n1 are taken by a workload of another installation (not in our cache).
    const { workload, calls } = world({ live: [busy('n0', '8'), busy('n1', '8')] });
    const outcome = await workload.run(row(2, 'deploying'), pool);
    expect(calls.filter((c) => c.includes('StatefulSet'))).toEqual(['apply StatefulSet ms-s1-g0']);
    expect(outcome).toMatchObject({ waitingForRoom: [1] });
  });

  it('sets aside what another admitted service still needs (a whole group, not bound yet)', async () => {
    const { workload, calls } = world({ admitted: [{ id: 'other', instances: 1 }] });
    const outcome = await workload.run(row(2, 'deploying'), pool);
    expect(calls.filter((c) => c.includes('StatefulSet'))).toEqual(['apply StatefulSet ms-s1-g0']);
    expect(outcome).toMatchObject({ waitingForRoom: [1] });
  });

  it('scales in by deleting whole groups beyond the desired count', async () => {
    const g0 = await desiredSet(2, 0);
    const g1 = await desiredSet(2, 1);
    const { workload, calls } = world({ sets: [g0, g1] });
    await workload.run(row(1, 'updating'), pool);
    expect(calls).toContain('delete StatefulSet ms-s1-g1');
    expect(calls).not.toContain('delete StatefulSet ms-s1-g0');
  });

  it('restarts a group with a failed member: record first, then every member deleted', async () => {
    const g0 = await desiredSet(1, 0);
    const failed: V1Pod = {
      ...member(g0, 1),
      status: {
        phase: 'Failed',
        containerStatuses: [
          {
            name: 'model-server',
            image: 'x',
            imageID: '',
            ready: false,
            restartCount: 0,
            state: { terminated: { exitCode: 1, reason: 'Error', finishedAt: new Date() } },
          },
        ],
      },
    };
    const { workload, calls } = world({ sets: [g0], pods: [member(g0, 0), failed] });
    const outcome = await workload.run(row(1), pool);
    const tail = calls.slice(calls.indexOf('apply Service ms-s1') + 1);
    expect(tail).toEqual([
      'annotate ms-s1-g0 maas.io/group-restarts,maas.io/group-size',
      'delete pods maas.io/group=0',
    ]);
    expect(outcome).toMatchObject({ result: { observation: { type: 'some_unhealthy' } } });
  });

  it('still reports the failed member while the cache lags behind the restart record', async () => {
    const g0 = await desiredSet(1, 0);
    const failed: V1Pod = { ...member(g0, 1), status: { phase: 'Failed' } };
    const pods = [member(g0, 0), failed];
    const sets = [g0];
    const { workload, calls } = world({ sets, pods });
    await workload.run(row(1), pool);
    expect(calls).toContain('delete pods maas.io/group=0');
    // The pods' informer shows the members gone; the StatefulSets' one still shows g0 as it
    // was before the record was written.
    pods.splice(0, pods.length);
    const next = await workload.run(row(1, 'alarm'), pool);
    expect(next).toMatchObject({
      result: {
        observation: {
          type: 'some_unhealthy',
          reason: expect.stringContaining('member ms-s1-g0-1'),
        },
      },
    });
    expect(calls.filter((c) => c.startsWith('delete pods'))).toHaveLength(1);
  });

  it('records the members once the group serves', async () => {
    const g0 = await desiredSet(1, 0);
    const { workload, calls } = world({ sets: [g0], pods: [member(g0, 0), member(g0, 1)] });
    const outcome = await workload.run(row(1, 'deploying'), pool);
    expect(calls.some((c) => c.startsWith('annotate'))).toBe(false); // not before the report
    if (outcome.kind === 'observed') await outcome.afterReport();
    expect(calls.at(-1)).toBe('annotate ms-s1-g0 maas.io/group-formed,maas.io/group-size');
    expect(outcome).toMatchObject({ result: { observation: { type: 'all_ready' } } });
  });

  describe('upgrade of a single group', () => {
    const statefulSets = (calls: string[]) =>
      calls.filter((c) => c.includes('StatefulSet') || c.startsWith('delete pods'));

    it('with room: creates a stand-in on the new revision first; the old group serves on', async () => {
      const old = outdated(await desiredSet(1, 0));
      const { workload, calls } = world({ sets: [old], pods: members(old, ['n0', 'n1']) });
      const outcome = await workload.run(row(1, 'upgrading'), pool);
      expect(statefulSets(calls)).toEqual(['apply StatefulSet ms-s1-g1']);
      expect(outcome).toMatchObject({ inPlace: null, result: { readyInstances: 1 } });
    });

    it('replaces the group once the stand-in serves, keeping the stand-in', async () => {
      const old = outdated(await desiredSet(1, 0));
      const standIn = await desiredSet(2, 1);
      const pods = [...members(old, ['n0', 'n1']), ...members(standIn, ['n2', 'n3'])];
      const { workload, calls } = world({ sets: [old, standIn], pods });
      await workload.run(row(1, 'upgrading'), pool);
      expect(statefulSets(calls)).toEqual([
        'apply StatefulSet ms-s1-g0',
        'delete pods maas.io/group=0',
      ]);
    });

    it('waits for a stand-in that does not serve yet', async () => {
      const old = outdated(await desiredSet(1, 0));
      const standIn = await desiredSet(2, 1);
      const pods = [...members(old, ['n0', 'n1']), ...members(standIn, ['n2', 'n3'], false)];
      const { workload, calls } = world({ sets: [old, standIn], pods });
      await workload.run(row(1, 'upgrading'), pool);
      expect(statefulSets(calls)).toEqual([]);
    });

    it('knows its stand-in by its members while the StatefulSets cache lags', async () => {
      const old = outdated(await desiredSet(1, 0));
      const standIn = await desiredSet(2, 1);
      const pods = [...members(old, ['n0', 'n1']), ...members(standIn, ['n2', 'n3'], false)];
      const { workload, calls } = world({ sets: [old], pods });
      const outcome = await workload.run(row(1, 'upgrading'), pool);
      // Not "no room" (its own members hold the servers): it waits for the stand-in.
      expect(statefulSets(calls)).toEqual(['apply StatefulSet ms-s1-g1']);
      expect(outcome).toMatchObject({ inPlace: null });
    });

    it('removes the stand-in once the upgrade is over', async () => {
      const g0 = await desiredSet(1, 0);
      const standIn = await desiredSet(2, 1);
      const pods = [...members(g0, ['n0', 'n1']), ...members(standIn, ['n2', 'n3'])];
      const { workload, calls } = world({ sets: [g0, standIn], pods });
      await workload.run(row(1, 'running'), pool);
      expect(statefulSets(calls)).toEqual(['delete StatefulSet ms-s1-g1']);
    });

    it('without room: says so first, then replaces the group in place', async () => {
      const old = outdated(await desiredSet(1, 0));
      const world_ = () =>
        world({ sets: [old], pods: members(old, ['n0', 'n1']), live: [busy('n2', '8')] });
      const first = world_();
      const said = await first.workload.run(row(1, 'upgrading'), pool);
      expect(statefulSets(first.calls)).toEqual([]);
      expect(said).toMatchObject({
        inPlace: expect.stringMatching(/no room for a spare group.*cannot be called/),
      });
      const reason = said.kind === 'observed' ? said.inPlace : null;
      const next = world_();
      const shown: ModelServiceEntity = { ...row(1, 'upgrading'), stateReason: reason };
      await next.workload.run(shown, pool);
      expect(statefulSets(next.calls)).toEqual([
        'apply StatefulSet ms-s1-g0',
        'delete pods maas.io/group=0',
      ]);
    });

    it('with services queued in the pool: in place (the room is theirs first)', async () => {
      const old = outdated(await desiredSet(1, 0));
      const { workload } = world({
        sets: [old],
        pods: members(old, ['n0', 'n1']),
        queued: [{ id: 'waiting' }],
      });
      const outcome = await workload.run(row(1, 'upgrading'), pool);
      expect(outcome).toMatchObject({ inPlace: expect.stringContaining('queued') });
    });

    it('a failed stand-in goes, and the upgrade goes in place', async () => {
      const old = outdated(await desiredSet(1, 0));
      const standIn = await desiredSet(2, 1);
      const crashed = members(standIn, ['n2', 'n3'], false).map((p) => ({
        ...p,
        status: {
          phase: 'Running',
          containerStatuses: [
            { name: 'model-server', image: 'x', imageID: '', ready: false, restartCount: 1 },
          ],
        },
      }));
      const pods = [...members(old, ['n0', 'n1']), ...crashed];
      const { workload, calls } = world({ sets: [old, standIn], pods });
      const outcome = await workload.run(row(1, 'upgrading'), pool);
      // Removed at once; the group goes down once the service says why (next pass).
      expect(statefulSets(calls)).toEqual(['delete StatefulSet ms-s1-g1']);
      expect(outcome).toMatchObject({ inPlace: expect.stringContaining('spare group') });
    });
  });

  it('stop deletes every group (Services stay)', async () => {
    const g0 = await desiredSet(1, 0);
    const { workload, calls } = world({ sets: [g0] });
    await workload.stop('s1');
    expect(calls).toEqual(['delete StatefulSet ms-s1-g0']);
  });

  it('stop during an upgrade deletes the stand-in too', async () => {
    const old = outdated(await desiredSet(1, 0));
    const standIn = await desiredSet(2, 1);
    const { workload, calls } = world({ sets: [old, standIn] });
    await workload.stop('s1');
    expect(calls).toEqual(['delete StatefulSet ms-s1-g0', 'delete StatefulSet ms-s1-g1']);
  });
});
