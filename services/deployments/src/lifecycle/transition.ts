import { type DomainError } from '@maas/errors';
import { applyCommand } from './apply-command.js';
import { applyObservation } from './apply-observation.js';
import { type Command, COMMAND_ALLOWED_STATES } from './commands.js';
import { type ServiceLifecycle, type TransitionResult } from './lifecycle.types.js';
import { type Observation } from './observations.js';

/**
 * The one state machine of a model service (SPEC §5), used by every API operation and by
 * the reconciler. Pure: it returns the next lifecycle and the event to record, or the
 * DomainError to answer with (conflict for a wrong state, validation for bad parameters).
 */
export function transition(
  current: ServiceLifecycle,
  input: Command | Observation,
): TransitionResult | DomainError {
  return isCommand(input) ? applyCommand(current, input) : applyObservation(current, input);
}

export function isCommand(input: Command | Observation): input is Command {
  return Object.hasOwn(COMMAND_ALLOWED_STATES, input.type);
}
