import {
  type ServiceLifecycle,
  type ServiceState,
  type TransitionResult,
} from '../lifecycle/index.js';
import { applyAutoStop, type AutoStopBudget } from './auto-stop-budget.js';
import { type DesiredStatus, type ModelServiceEntity } from './model-service.entity.js';

/** What the reconciler should converge the Kubernetes objects to, per lifecycle state. */
export function desiredStatusOf(state: ServiceState): DesiredStatus {
  switch (state) {
    case 'queuing': // running once admitted: the reconciler creates nothing before
    case 'deploying':
    case 'starting':
    case 'running':
    case 'alarm':
    case 'updating':
    case 'upgrading':
      return 'running';
    case 'stopping':
    case 'stopped':
    case 'deployment_failed': // a failed deployment releases its pods
      return 'stopped';
    case 'deleting':
      return 'deleted';
  }
}

/** The part of the row the state machine reads. */
export function lifecycleOf(row: ModelServiceEntity): ServiceLifecycle {
  return {
    state: row.state,
    instances: row.instances,
    modelVersion: row.modelVersion,
    qps: row.qps,
    pending: row.pending,
    reason: row.stateReason,
  };
}

/** Length of one minute of the auto-stop schedule (AUTO_STOP_MINUTE_MS; shorter in tests). */
export const MINUTE_MS = 60_000;

export function budgetOf(row: ModelServiceEntity, minuteMs = MINUTE_MS): AutoStopBudget {
  return {
    limitMs: row.autoStopMinutes === null ? null : row.autoStopMinutes * minuteMs,
    remainingMs: row.autoStopRemainingMs === null ? null : Number(row.autoStopRemainingMs),
    resumedAt: row.autoStopResumedAt,
  };
}

/**
 * The fields that change outside the lifecycle, through ServiceLifecycleStore.amend: today
 * only `preset` (published as a preset service, SPEC §8).
 */
export type AmendedFields = Partial<Pick<ModelServiceEntity, 'preset'>>;

export type RowChanges = Pick<
  ModelServiceEntity,
  | 'state'
  | 'instances'
  | 'modelVersion'
  | 'qps'
  | 'pending'
  | 'stateReason'
  | 'stateChangedAt'
  | 'desiredStatus'
  | 'generation'
  | 'queuedAt'
  | 'queuePosition'
  | 'autoStopRemainingMs'
  | 'autoStopResumedAt'
  | 'version'
>;

/**
 * The columns a transition writes (pure). Besides the lifecycle itself: the time the state
 * was entered, the FIFO key while queuing, the desired status, `generation` + 1 whenever
 * what should run in Kubernetes changes (instances, model version, desired status), the
 * auto-stop budget, and `version` + 1.
 */
export function rowChanges(
  row: ModelServiceEntity,
  result: TransitionResult,
  now: Date,
  minuteMs = MINUTE_MS,
): RowChanges {
  const next = result.lifecycle;
  const entered = next.state !== row.state;
  const desiredStatus = desiredStatusOf(next.state);
  const specChanged =
    next.instances !== row.instances ||
    next.modelVersion !== row.modelVersion ||
    desiredStatus !== row.desiredStatus;
  const budget = applyAutoStop(budgetOf(row, minuteMs), result.autoStop, now);
  const queuing = next.state === 'queuing';
  return {
    state: next.state,
    instances: next.instances,
    modelVersion: next.modelVersion,
    qps: next.qps,
    pending: next.pending,
    stateReason: next.reason,
    stateChangedAt: entered ? now : row.stateChangedAt,
    desiredStatus,
    generation: specChanged ? String(BigInt(row.generation) + 1n) : row.generation,
    queuedAt: queuing ? (entered ? now : row.queuedAt) : null,
    queuePosition: queuing && !entered ? row.queuePosition : null,
    autoStopRemainingMs: budget.remainingMs === null ? null : String(budget.remainingMs),
    autoStopResumedAt: budget.resumedAt,
    version: row.version + 1,
  };
}
