import {
  type V1ContainerStateTerminated,
  type V1ContainerStatus,
  type V1Pod,
} from '@kubernetes/client-node';
import { LABEL } from '../../workloads/labels.js';

/** A failure of an instance: a Failed pod, or a container that terminated and restarted. */
export interface PodFailure {
  readonly at: Date;
  readonly reason: string;
  readonly message: string;
  readonly exitCode: number | null;
}

/** What the reconciler reads from a pod. */
export interface PodView {
  readonly name: string;
  /** metadata.uid: tells a replacement (same name) from the pod it replaced. */
  readonly uid?: string;
  readonly node: string | null;
  readonly phase: string;
  readonly ready: boolean;
  /** When the pod last became Ready (its Ready condition's transition), if it is. */
  readonly readySince: Date | null;
  readonly restarts: number;
  readonly createdAt: Date;
  /** The pod-template revision label (maas.io/revision). */
  readonly revision: string | undefined;
  readonly modelVersion: string | undefined;
  /** Has a deletionTimestamp (being removed). */
  readonly deleting: boolean;
  /** Succeeded or Failed: no longer holds its NPUs, never comes back. */
  readonly terminated: boolean;
  /** A container waiting reason (ImagePullBackOff, CrashLoopBackOff, …) with its message. */
  readonly waiting: { readonly reason: string; readonly message: string } | null;
  /** PodScheduled=False: since when, and the scheduler's message. */
  readonly unschedulable: { readonly since: Date; readonly message: string } | null;
  /** The latest failure (Failed phase or last container termination), if any. */
  readonly lastFailure: PodFailure | null;
}

export function podView(pod: V1Pod): PodView {
  const identity = identityOf(pod);
  const containers = pod.status?.containerStatuses ?? [];
  const phase = pod.status?.phase ?? 'Pending';
  return {
    ...identity,
    phase,
    ready: phase === 'Running' && conditionTrue(pod, 'Ready'),
    readySince: phase === 'Running' && conditionTrue(pod, 'Ready') ? readyChange(pod) : null,
    restarts: containers.reduce((sum, c) => sum + (c.restartCount ?? 0), 0),
    terminated: phase === 'Succeeded' || phase === 'Failed',
    waiting: waitingOf(containers),
    unschedulable: unschedulableOf(pod, identity.createdAt),
    lastFailure:
      phase === 'Failed'
        ? podFailure(pod, containers, identity.createdAt)
        : lastRestart(containers),
  };
}

function identityOf(pod: V1Pod) {
  const metadata = pod.metadata ?? {};
  const labels = metadata.labels ?? {};
  return {
    name: metadata.name ?? '',
    uid: metadata.uid,
    node: pod.spec?.nodeName ?? null,
    createdAt: toDate(metadata.creationTimestamp) ?? new Date(0),
    revision: labels[LABEL.revision],
    modelVersion: labels[LABEL.modelVersion],
    deleting: Boolean(metadata.deletionTimestamp),
  };
}

function conditionTrue(pod: V1Pod, type: string): boolean {
  return pod.status?.conditions?.some((c) => c.type === type && c.status === 'True') ?? false;
}

const STARTING = new Set(['ContainerCreating', 'PodInitializing']);

function waitingOf(containers: readonly V1ContainerStatus[]): PodView['waiting'] {
  for (const c of containers) {
    const waiting = c.state?.waiting;
    if (waiting?.reason && !STARTING.has(waiting.reason))
      return { reason: waiting.reason, message: waiting.message ?? '' };
  }
  return null;
}

function unschedulableOf(pod: V1Pod, createdAt: Date): PodView['unschedulable'] {
  if (pod.spec?.nodeName) return null;
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status !== 'False' || scheduled.reason !== 'Unschedulable') return null;
  // Waiting counts from the pod's creation: the condition's time moves with each retry.
  return { since: createdAt, message: scheduled.message ?? 'no node fits' };
}

/** A Failed pod: its terminated container (or the pod's own reason). */
function podFailure(
  pod: V1Pod,
  containers: readonly V1ContainerStatus[],
  createdAt: Date,
): PodFailure {
  const terminated: Partial<V1ContainerStateTerminated> =
    containers.find((c) => c.state?.terminated)?.state?.terminated ?? {};
  const status = pod.status ?? {};
  return {
    at: toDate(terminated.finishedAt) ?? readyChange(pod) ?? createdAt,
    reason: terminated.reason ?? status.reason ?? 'Failed',
    message: terminated.message ?? status.message ?? '',
    exitCode: terminated.exitCode ?? null,
  };
}

/** The latest container termination that was followed by a restart. */
function lastRestart(containers: readonly V1ContainerStatus[]): PodFailure | null {
  let latest: PodFailure | null = null;
  for (const c of containers) {
    const failure = restartOf(c);
    if (failure && (!latest || failure.at > latest.at)) latest = failure;
  }
  return latest;
}

function restartOf(c: V1ContainerStatus): PodFailure | null {
  const last = c.lastState?.terminated;
  const at = toDate(last?.finishedAt);
  if (!last || !at || !c.restartCount) return null;
  return {
    at,
    reason: last.reason ?? 'Error',
    message: last.message ?? '',
    exitCode: last.exitCode ?? null,
  };
}

function readyChange(pod: V1Pod): Date | null {
  return toDate(pod.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime);
}

/** client-node 2.0 gives Date or string for times, depending on the path the object took. */
export function toDate(value: Date | string | undefined | null): Date | null {
  if (!value) return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}
