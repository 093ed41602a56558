import { autoStopAction } from './auto-stop-clock.js';
import { type EventReason } from './event-reasons.js';
import { type ServiceLifecycle, type TransitionResult } from './lifecycle.types.js';
import { notificationOnEntering } from './notification-events.js';

/** Builds the result of a transition that writes something and records an event. */
export function moved(
  current: ServiceLifecycle,
  changes: Partial<ServiceLifecycle>,
  reason: EventReason,
  message: string,
  { stoppedByAutoStop = false } = {},
): TransitionResult {
  const next: ServiceLifecycle = { ...current, ...changes };
  const entered = next.state !== current.state;
  return {
    lifecycle: next,
    changed: true,
    event: { reason, message, from: current.state, to: next.state },
    notification: entered ? notificationOnEntering(next.state) : null,
    autoStop: autoStopAction(current.state, next.state, stoppedByAutoStop),
    removed: false,
  };
}

/** The input applies but there is nothing to write (idempotent repeat, level no-op). */
export function unchanged(current: ServiceLifecycle): TransitionResult {
  return {
    lifecycle: current,
    changed: false,
    event: null,
    notification: null,
    autoStop: null,
    removed: false,
  };
}
