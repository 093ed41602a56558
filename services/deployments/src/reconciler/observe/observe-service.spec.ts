import { type V1Deployment, type V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { type ServiceState } from '../../lifecycle/index.js';
import { type ObserveInput, observeService } from './observe-service.js';
import { podView } from './pod-view.js';

const NOW = new Date('2026-11-22T12:00:00Z');
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);
const HASH = 'h1';
const REV = 'r1';

interface PodSpec {
  name?: string;
  revision?: string;
  phase?: string;
  ready?: boolean;
  node?: string | null;
  created?: Date;
  deleting?: boolean;
  waiting?: { reason: string; message?: string };
  unschedulable?: string;
  failedAt?: Date;
  restarts?: number;
  lastTerminatedAt?: Date;
  readySince?: Date;
}

let counter = 0;
function pod(p: PodSpec = {}): V1Pod {
  const phase = p.phase ?? 'Running';
  const ready = p.ready ?? phase === 'Running';
  const conditions = [
    {
      type: 'Ready',
      status: ready ? 'True' : 'False',
      lastTransitionTime: ready ? (p.readySince ?? ago(20)) : p.failedAt,
    },
    ...(p.unschedulable
      ? [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            message: p.unschedulable,
          },
        ]
      : []),
  ];
  return {
    metadata: {
      name: p.name ?? `pod-${++counter}`,
      labels: { 'maas.io/revision': p.revision ?? REV, 'maas.io/model-version': '1.0.0' },
      creationTimestamp: p.created ?? ago(60),
      ...(p.deleting ? { deletionTimestamp: NOW } : {}),
    },
    spec: {
      containers: [],
      ...(p.node === null || p.unschedulable ? {} : { nodeName: p.node ?? 'n1' }),
    },
    status: {
      phase,
      conditions,
      containerStatuses: [
        {
          name: 'model-server',
          image: 'x',
          imageID: '',
          ready,
          restartCount: p.restarts ?? 0,
          state: p.waiting
            ? { waiting: p.waiting }
            : phase === 'Failed'
              ? {
                  terminated: {
                    exitCode: 3,
                    reason: 'ModelLoadError',
                    message: 'weights not found',
                    finishedAt: p.failedAt,
                  },
                }
              : { running: {} },
          ...(p.lastTerminatedAt
            ? {
                lastState: {
                  terminated: {
                    exitCode: 137,
                    reason: 'OOMKilled',
                    finishedAt: p.lastTerminatedAt,
                  },
                },
              }
            : {}),
        },
      ],
    },
  };
}

function deployment(
  status: { replicas?: number; updated?: number; ready?: number; available?: number },
  hash = HASH,
): V1Deployment {
  return {
    metadata: { generation: 2, annotations: { 'maas.io/spec-hash': hash } },
    status: {
      observedGeneration: 2,
      replicas: status.replicas,
      updatedReplicas: status.updated,
      readyReplicas: status.ready,
      availableReplicas: status.available,
    },
  };
}

const complete = (n: number) => deployment({ replicas: n, updated: n, ready: n, available: n });

function observe(state: ServiceState, pods: V1Pod[], extra: Partial<ObserveInput> = {}) {
  return observeService({
    state,
    instances: 2,
    pending: null,
    stateChangedAt: ago(30),
    deployment: complete(2),
    desiredHash: HASH,
    desiredRevision: REV,
    pods: pods.map(podView),
    now: NOW,
    limits: {
      schedulingDeadlineMs: 60_000,
      startTimeoutMs: 600_000,
      crashLoopFailures: 3,
      restartWindowMs: 300_000,
    },
    ...extra,
  });
}

describe('observeService while deploying, starting, scaling, upgrading', () => {
  it.each(['deploying', 'starting', 'updating', 'upgrading'] as const)(
    '%s: all_ready once the rollout of our spec is complete and the count is ready',
    (state) => {
      const result = observe(state, [pod(), pod()]);
      expect(result.observation).toEqual({ type: 'all_ready' });
      expect(result.readyInstances).toBe(2);
      expect(result.instanceStatuses).toHaveLength(2);
    },
  );

  it('waits while neither the Deployment nor the pods show the rollout complete', () => {
    // the new pods are ready, but an old one still serves (a rolling upgrade in progress)
    const pods = [pod(), pod(), pod({ revision: 'old' })];
    expect(observe('upgrading', pods, { deployment: complete(2) }).observation).not.toBeNull();
    for (const d of [
      deployment({ replicas: 2, updated: 2, ready: 2, available: 2 }, 'old'),
      deployment({ replicas: 3, updated: 2, ready: 3, available: 3 }),
      deployment({ replicas: 2, updated: 2, ready: 2, available: 1 }),
      { ...complete(2), status: { ...complete(2).status, observedGeneration: 1 } },
      undefined,
    ]) {
      const result = observe('upgrading', pods, { deployment: d });
      expect(result.observation).toBeNull();
      expect(result.recheckInMs).toBeGreaterThan(0); // the start timeout
    }
  });

  it('sees the rollout complete from the pods before the Deployment status says so', () => {
    const stale = deployment({ replicas: 2, updated: 2, ready: 1, available: 1 });
    expect(observe('deploying', [pod(), pod()], { deployment: stale }).observation).toEqual({
      type: 'all_ready',
    });
    // …but only once each has been ready for minReadySeconds
    const fresh = [pod({ readySince: ago(2) }), pod({ readySince: ago(2) })];
    expect(
      observe('deploying', fresh, { deployment: stale, minReadySeconds: 5 }).observation,
    ).toBeNull();
    expect(
      observe('deploying', fresh, { deployment: stale, minReadySeconds: 1 }).observation,
    ).toEqual({ type: 'all_ready' });
    // and not with a pod too many (a scale-in still removing one)
    expect(
      observe('updating', [pod(), pod(), pod()], { deployment: stale }).observation,
    ).toBeNull();
  });

  it('counts only pods of the current spec (an upgrade waits for the new ones)', () => {
    const result = observe('upgrading', [
      pod({ revision: 'old' }),
      pod({ revision: 'old' }),
      pod(),
    ]);
    expect(result.observation).toBeNull();
    expect(result.readyInstances).toBe(2);
  });

  it('fails a crash loop: failed pods of the current spec since the state began', () => {
    const failed = (s: number) => pod({ phase: 'Failed', failedAt: ago(s), created: ago(s + 2) });
    expect(
      observe('deploying', [failed(20), failed(10), pod({ ready: false })]).observation,
    ).toBeNull();
    const result = observe('deploying', [failed(20), failed(10), failed(5), pod({ ready: false })]);
    expect(result.observation).toMatchObject({ type: 'failed' });
    expect((result.observation as { reason: string }).reason).toMatch(
      /^Crash loop: instances failed 3 time\(s\).*ModelLoadError \(exit code 3\): weights not found/,
    );
    // failures before this deploy began (an earlier attempt) do not count
    expect(
      observe('starting', [failed(40), failed(50), failed(45)], {
        deployment: complete(0),
        instances: 0,
      }).observation,
    ).toEqual({ type: 'all_ready' });
  });

  it('fails a crash loop seen as restarts or CrashLoopBackOff (a real kubelet)', () => {
    const restarting = pod({
      ready: false,
      restarts: 3,
      lastTerminatedAt: ago(5),
      created: ago(25),
    });
    expect(observe('deploying', [restarting]).observation).toMatchObject({ type: 'failed' });
    const backOff = pod({
      ready: false,
      phase: 'Running',
      waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s' },
    });
    expect(observe('deploying', [backOff]).observation).toMatchObject({ type: 'failed' });
  });

  it('fails an image that cannot be pulled', () => {
    const result = observe('deploying', [
      pod({
        phase: 'Pending',
        ready: false,
        waiting: { reason: 'ImagePullBackOff', message: 'not found' },
      }),
    ]);
    expect(result.observation).toEqual({
      type: 'failed',
      reason: expect.stringMatching(/ImagePullBackOff: not found$/) as string,
    });
  });

  it('fails an instance unschedulable past the deadline, and rechecks at the deadline before', () => {
    const stuck = (seconds: number) =>
      pod({
        phase: 'Pending',
        ready: false,
        unschedulable: '0/4 nodes are available: insufficient huawei.com/Ascend910',
        created: ago(seconds),
      });
    const early = observe('deploying', [pod(), stuck(50)]);
    expect(early.observation).toBeNull();
    expect(early.recheckInMs).toBeGreaterThanOrEqual(10_000);
    expect(early.recheckInMs).toBeLessThan(10_200);
    expect(early.instanceStatuses.find((s) => s.phase === 'Pending')?.message).toMatch(
      /^Unschedulable/,
    );
    const late = observe('deploying', [pod(), stuck(61)]);
    expect(late.observation).toEqual({
      type: 'failed',
      reason: expect.stringMatching(/^Unschedulable for 60 s: .*insufficient/) as string,
    });
  });

  it('fails when the ready count is not reached within the start timeout', () => {
    const result = observe('starting', [pod(), pod({ ready: false })], {
      stateChangedAt: ago(601),
      deployment: deployment({ replicas: 2, updated: 2, ready: 1, available: 1 }),
    });
    expect(result.observation).toEqual({
      type: 'failed',
      reason: 'Not ready within 600 s: 1 of 2 instance(s) ready',
    });
  });
});

describe('observeService while running or in alarm', () => {
  it.each(['running', 'alarm'] as const)('%s: all_ready when every instance is ready', (state) => {
    expect(observe(state, [pod(), pod()]).observation).toEqual({ type: 'all_ready' });
  });

  it('reports not-ready instances with the first one and why', () => {
    const result = observe('running', [
      pod(),
      pod({ name: 'p2', phase: 'Pending', ready: false, unschedulable: 'no room' }),
    ]);
    expect(result.observation).toEqual({
      type: 'some_unhealthy',
      reason: '1 of 2 instance(s) ready (p2: Unschedulable: no room)',
    });
    expect(result.readyInstances).toBe(1);
  });

  it('is never all_ready while an instance failed within the restart window', () => {
    const replaced = [pod(), pod(), pod({ name: 'crashed', phase: 'Failed', failedAt: ago(10) })];
    const result = observe('alarm', replaced);
    expect(result.observation).toMatchObject({ type: 'some_unhealthy' });
    expect((result.observation as { reason: string }).reason).toMatch(
      /^instance crashed failed at .*ModelLoadError/,
    );
    expect(result.recheckInMs).toBeGreaterThan(289_000); // when the failure leaves the window
    expect(result.instanceStatuses.map((s) => s.name)).toContain('crashed');
    const restarted = observe('running', [pod(), pod({ restarts: 1, lastTerminatedAt: ago(30) })]);
    expect(restarted.observation).toMatchObject({ type: 'some_unhealthy' });
    expect((restarted.observation as { reason: string }).reason).toMatch(
      /OOMKilled \(exit code 137\)/,
    );
    // once the window has passed, the service is healthy again
    expect(
      observe('alarm', [pod(), pod(), pod({ phase: 'Failed', failedAt: ago(301) })]).observation,
    ).toEqual({
      type: 'all_ready',
    });
  });

  it('does not count terminating pods as ready', () => {
    const result = observe('running', [pod(), pod({ deleting: true })]);
    expect(result.observation).toMatchObject({ type: 'some_unhealthy' });
    expect(result.instanceStatuses.map((s) => s.phase)).toEqual(['Running']);
  });
});

describe('podView', () => {
  it('reads times given as strings (watch events) or Dates (lists)', () => {
    const raw = pod({ phase: 'Failed', failedAt: ago(10) });
    const asJson = JSON.parse(JSON.stringify(raw)) as V1Pod;
    expect(podView(asJson).lastFailure?.at).toEqual(ago(10));
    expect(podView(raw).createdAt).toEqual(podView(asJson).createdAt);
  });
});
