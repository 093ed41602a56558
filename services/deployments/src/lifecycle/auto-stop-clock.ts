import { isCallable, type ServiceState } from './service-state.js';

/**
 * What the auto-stop budget must do after a transition. The budget counts running time:
 * the clock runs while the service can be called (running, alarm, updating, upgrading) and
 * not while it is queued, starting, stopped or failed (Table 4-4: "the time limit does not
 * count down when the service is paused").
 *
 * - `resume`: start or continue counting down the remaining budget.
 * - `pause`: stop counting, keep what is left (manual stop, failure).
 * - `reset`: auto stop fired; the next start gets the full budget again.
 * - `cancel`: the service is being deleted; drop the budget and its job.
 */
export type AutoStopAction = 'resume' | 'pause' | 'reset' | 'cancel';

export function autoStopAction(
  from: ServiceState,
  to: ServiceState,
  stoppedByAutoStop = false,
): AutoStopAction | null {
  if (to === 'deleting') return from === 'deleting' ? null : 'cancel';
  if (stoppedByAutoStop) return 'reset';
  const before = isCallable(from);
  const after = isCallable(to);
  if (!before && after) return 'resume';
  if (before && !after) return 'pause';
  return null;
}
