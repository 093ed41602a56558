export { autoStopAction, type AutoStopAction } from './auto-stop-clock.js';
export {
  type Command,
  COMMAND_ALLOWED_STATES,
  type CommandType,
  DELETE_CONFIRMATION,
  SCALE_IN_CONFIRMATION,
} from './commands.js';
export { createLifecycle, type NewService } from './create-lifecycle.js';
export { EVENT_REASONS, type EventReason } from './event-reasons.js';
export {
  InvalidCommandError,
  LifecycleErrorCode,
  ObservationNotApplicableError,
  WrongStateError,
} from './lifecycle.errors.js';
export type {
  PendingOperation,
  ServiceEventDraft,
  ServiceLifecycle,
  TransitionResult,
} from './lifecycle.types.js';
export {
  NOTIFICATION_EVENTS,
  type NotificationEvent,
  notificationOnEntering,
} from './notification-events.js';
export { protoState } from './proto-state.js';
export { OBSERVATION_APPLIES_IN, type Observation, type ObservationType } from './observations.js';
export {
  CALLABLE_STATES,
  displayName,
  isCallable,
  isServiceState,
  SERVICE_STATES,
  type ServiceState,
  STATE_DISPLAY_NAMES,
} from './service-state.js';
export { isCommand, transition } from './transition.js';
