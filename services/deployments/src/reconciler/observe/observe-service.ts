import { type V1Deployment } from '@kubernetes/client-node';
import {
  type Observation,
  type PendingOperation,
  type ServiceState,
} from '../../lifecycle/index.js';
import { type InstanceStatus } from '../../model-services/model-service.entity.js';
import { hashOf } from '../desired/desired-objects.js';
import { type PodFailure, type PodView } from './pod-view.js';

export interface ObserveLimits {
  readonly schedulingDeadlineMs: number;
  readonly startTimeoutMs: number;
  /** Failures (failed pods, restarts) of the current spec that make a crash loop. */
  readonly crashLoopFailures: number;
  /** A failure this recent keeps a running service in alarm. */
  readonly restartWindowMs: number;
}

export interface ObserveInput {
  readonly state: ServiceState;
  readonly instances: number;
  readonly pending: PendingOperation | null;
  /** When the service entered its state: deploys, starts, scales and upgrades count from it. */
  readonly stateChangedAt: Date;
  readonly deployment: V1Deployment | undefined;
  /** The spec hash and pod revision we applied. */
  readonly desiredHash: string;
  readonly desiredRevision: string;
  /** The Deployment's minReadySeconds: a pod counts as available after being ready this long. */
  readonly minReadySeconds?: number;
  /** Every pod of the service, in any phase. */
  readonly pods: readonly PodView[];
  readonly now: Date;
  readonly limits: ObserveLimits;
}

export interface ObserveResult {
  /** What to tell the state machine; null: nothing (still progressing). */
  readonly observation: Observation | null;
  readonly readyInstances: number;
  readonly instanceStatuses: InstanceStatus[];
  /** Look again in this long (the next deadline), if any. */
  readonly recheckInMs: number | null;
}

/** States in which the service is being brought to its desired instances. */
const PROGRESSING: readonly ServiceState[] = ['deploying', 'starting', 'updating', 'upgrading'];

/**
 * The observation of a service that should run (pure; the reconciler's level-triggered
 * core). From the Deployment and the service's pods:
 *
 * - **progressing** (deploying, starting, updating, upgrading): a crash loop (failed pods
 *   or restarts of the current spec since the state began ≥ CRASH_LOOP_FAILURES, or
 *   CrashLoopBackOff), an image that cannot be pulled, an instance unschedulable past the
 *   deadline, or no ready count within the start timeout → `failed(reason)`; otherwise,
 *   rollout complete (the Deployment observed our generation, every replica updated,
 *   available and ready, on our spec hash) and the ready count reached → `all_ready`.
 * - **steady** (running, alarm): every desired instance ready and no instance failed or
 *   restarted within the restart window → `all_ready`; anything else → `some_unhealthy`
 *   with the reason. A pod that crashed and was replaced keeps the service in alarm for
 *   the window: it is never `running` while instances crash-loop.
 */
export function observeService(input: ObserveInput): ObserveResult {
  const live = input.pods.filter((p) => !p.terminated && !p.deleting);
  const readyLive = live.filter((p) => p.ready).length;
  const base = {
    readyInstances: Math.min(readyLive, input.instances),
    instanceStatuses: instanceStatuses(input),
  };
  const verdict = PROGRESSING.includes(input.state)
    ? progressing(input, live)
    : steady(input, live);
  return { ...base, ...verdict };
}

type Verdict = Pick<ObserveResult, 'observation' | 'recheckInMs'>;

function progressing(input: ObserveInput, live: readonly PodView[]): Verdict {
  const { now, limits } = input;
  const current = input.pods.filter((p) => p.revision === input.desiredRevision);
  const since = input.stateChangedAt;
  const fatal =
    crashLoop(current, since, limits.crashLoopFailures) ??
    imageProblem(current.filter((p) => !p.terminated)) ??
    unschedulable(current, now, limits.schedulingDeadlineMs);
  if (fatal) return { observation: { type: 'failed', reason: fatal }, recheckInMs: null };
  const readyCurrent = live.filter((p) => p.ready && p.revision === input.desiredRevision).length;
  if ((rolloutComplete(input) || podsComplete(input, live)) && readyCurrent >= input.instances)
    return { observation: { type: 'all_ready' }, recheckInMs: null };
  const startDeadline = since.getTime() + limits.startTimeoutMs;
  if (now.getTime() >= startDeadline)
    return {
      observation: {
        type: 'failed',
        reason: `Not ready within ${Math.round(limits.startTimeoutMs / 1000)} s: ${readyCurrent} of ${input.instances} instance(s) ready`,
      },
      recheckInMs: null,
    };
  return {
    observation: null,
    recheckInMs: nextDeadline(now, [
      startDeadline,
      ...current
        .filter((p) => p.unschedulable)
        .map(
          (p) => (p.unschedulable as { since: Date }).since.getTime() + limits.schedulingDeadlineMs,
        ),
    ]),
  };
}

function steady(input: ObserveInput, live: readonly PodView[]): Verdict {
  const { now, limits, instances } = input;
  const windowStart = new Date(now.getTime() - limits.restartWindowMs);
  const recent = latestFailure(input.pods, windowStart);
  const ready = live.filter((p) => p.ready).length;
  const recheck = recent
    ? nextDeadline(now, [recent.failure.at.getTime() + limits.restartWindowMs])
    : null;
  if (ready >= instances && !recent)
    return { observation: { type: 'all_ready' }, recheckInMs: null };
  const reasons: string[] = [];
  if (ready < instances)
    reasons.push(`${ready} of ${instances} instance(s) ready${notReadyDetail(live)}`);
  if (recent) reasons.push(`instance ${recent.pod} ${describeFailure(recent.failure)}`);
  return {
    observation: { type: 'some_unhealthy', reason: reasons.join('; ') },
    recheckInMs: recheck,
  };
}

/**
 * The rollout is complete as the pods show it — sooner than the Deployment's status, which
 * the controller-manager updates afterwards: exactly the desired number of live pods, all of
 * the current revision, each ready (and available: ready for minReadySeconds), none of an
 * older revision left.
 */
export function podsComplete(input: ObserveInput, live: readonly PodView[]): boolean {
  const minReadyMs = (input.minReadySeconds ?? 0) * 1000;
  if (live.length !== input.instances) return false;
  return live.every(
    (p) =>
      p.revision === input.desiredRevision &&
      p.readySince !== null &&
      input.now.getTime() - p.readySince.getTime() >= minReadyMs,
  );
}

/** The Deployment has rolled out exactly our spec to the desired number of ready replicas. */
export function rolloutComplete({ deployment, desiredHash, instances }: ObserveInput): boolean {
  if (!deployment || hashOf(deployment) !== desiredHash) return false;
  const status = deployment.status ?? {};
  const counts = [
    status.replicas,
    status.updatedReplicas,
    status.readyReplicas,
    status.availableReplicas,
  ];
  const observed = (status.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 0);
  return observed && counts.every((count) => (count ?? 0) === instances);
}

function crashLoop(current: readonly PodView[], since: Date, threshold: number): string | null {
  const failures = current.filter((p) => p.lastFailure && p.lastFailure.at >= since);
  const failedPods = failures.filter((p) => p.phase === 'Failed').length;
  const restarts = current.reduce((sum, p) => sum + (p.createdAt >= since ? p.restarts : 0), 0);
  const backOff = current.find((p) => !p.terminated && p.waiting?.reason === 'CrashLoopBackOff');
  if (failedPods + restarts < threshold && !backOff) return null;
  const last = latestFailure(current, since);
  const detail = last ? `; last: ${last.pod} ${describeFailure(last.failure)}` : '';
  return `Crash loop: instances failed ${failedPods + restarts} time(s) since ${since.toISOString()}${detail}`;
}

const IMAGE_PROBLEMS = new Set([
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'CreateContainerConfigError',
]);

function imageProblem(pods: readonly PodView[]): string | null {
  const pod = pods.find((p) => p.waiting && IMAGE_PROBLEMS.has(p.waiting.reason));
  if (!pod?.waiting) return null;
  return `Cannot start the model server of ${pod.name}: ${pod.waiting.reason}${pod.waiting.message ? `: ${pod.waiting.message}` : ''}`;
}

function unschedulable(pods: readonly PodView[], now: Date, deadlineMs: number): string | null {
  const stuck = pods.find(
    (p) => p.unschedulable && now.getTime() - p.unschedulable.since.getTime() >= deadlineMs,
  );
  if (!stuck?.unschedulable) return null;
  return `Unschedulable for ${Math.round(deadlineMs / 1000)} s: ${stuck.name}: ${stuck.unschedulable.message}`;
}

function latestFailure(
  pods: readonly PodView[],
  since: Date,
): { pod: string; failure: PodFailure } | null {
  let latest: { pod: string; failure: PodFailure } | null = null;
  for (const p of pods) {
    const f = p.lastFailure;
    if (f && f.at >= since && (!latest || f.at > latest.failure.at))
      latest = { pod: p.name, failure: f };
  }
  return latest;
}

function describeFailure(f: PodFailure): string {
  const code = f.exitCode === null ? '' : ` (exit code ${f.exitCode})`;
  const message = f.message ? `: ${f.message}` : '';
  return `failed at ${f.at.toISOString()}: ${f.reason}${code}${message}`;
}

function notReadyDetail(live: readonly PodView[]): string {
  const pod = live.find((p) => !p.ready);
  if (!pod) return '';
  const why = pod.unschedulable
    ? `Unschedulable: ${pod.unschedulable.message}`
    : pod.waiting
      ? `${pod.waiting.reason}${pod.waiting.message ? `: ${pod.waiting.message}` : ''}`
      : pod.phase;
  return ` (${pod.name}: ${why})`;
}

function nextDeadline(now: Date, deadlines: readonly number[]): number | null {
  const future = deadlines.map((d) => d - now.getTime()).filter((ms) => ms > 0);
  return future.length === 0 ? null : Math.max(100, Math.min(...future) + 50);
}

/** One entry per live pod, plus pods that failed within the restart window. */
export function instanceStatuses({
  pods,
  now,
  limits,
}: Pick<ObserveInput, 'pods' | 'now' | 'limits'>): InstanceStatus[] {
  const windowStart = now.getTime() - limits.restartWindowMs;
  return pods
    .filter(
      (p) =>
        (!p.terminated && !p.deleting) ||
        (p.lastFailure !== null && p.lastFailure.at.getTime() >= windowStart),
    )
    .map((p) => ({
      name: p.name,
      node: p.node,
      phase: p.deleting && !p.terminated ? 'Terminating' : p.phase,
      ready: p.ready && !p.deleting,
      restarts: p.restarts,
      ...(p.modelVersion ? { modelVersion: p.modelVersion } : {}),
      ...(statusMessage(p) ? { message: statusMessage(p) as string } : {}),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function statusMessage(p: PodView): string | null {
  if (p.unschedulable) return `Unschedulable: ${p.unschedulable.message}`;
  if (p.waiting) return `${p.waiting.reason}${p.waiting.message ? `: ${p.waiting.message}` : ''}`;
  if (p.phase === 'Failed' && p.lastFailure) return describeFailure(p.lastFailure);
  return null;
}
