import { type AutoStopAction } from './auto-stop-clock.js';
import { type EventReason } from './event-reasons.js';
import { type NotificationEvent } from './notification-events.js';
import { type ServiceState } from './service-state.js';

/** What a transient state is in the middle of; null in settled states. */
export type PendingOperation =
  | { readonly op: 'deploy' }
  | { readonly op: 'start' }
  | { readonly op: 'scale'; readonly fromInstances: number }
  | { readonly op: 'upgrade'; readonly fromVersion: string };

/** The part of a model service the state machine reads and writes. */
export interface ServiceLifecycle {
  readonly state: ServiceState;
  /** Desired number of instances. */
  readonly instances: number;
  /** Desired model version. */
  readonly modelVersion: string;
  /** QPS limit the gateway enforces. */
  readonly qps: number;
  /** Set in queuing (deploy/start), updating (scale) and upgrading (upgrade). */
  readonly pending: PendingOperation | null;
  /**
   * Why the service is in alarm or deployment_failed, or how an upgrade goes
   * (`upgrade_in_place`); null otherwise.
   */
  readonly reason: string | null;
}

/** A service event to store, publish and maybe notify (SPEC §5). */
export interface ServiceEventDraft {
  readonly reason: EventReason;
  readonly message: string;
  /** null for the creation event. */
  readonly from: ServiceState | null;
  readonly to: ServiceState;
}

export interface TransitionResult {
  /** The lifecycle after the input; equal to the input's when `changed` is false. */
  readonly lifecycle: ServiceLifecycle;
  /** False when nothing is to be written (idempotent repeats, level-triggered no-ops). */
  readonly changed: boolean;
  /** The event to record; null when nothing changed. */
  readonly event: ServiceEventDraft | null;
  /** The subscribable event this transition raises, if any. */
  readonly notification: NotificationEvent | null;
  /** What the auto-stop budget must do, if anything. */
  readonly autoStop: AutoStopAction | null;
  /** True once cleanup is done: the service record may be removed. */
  readonly removed: boolean;
}
