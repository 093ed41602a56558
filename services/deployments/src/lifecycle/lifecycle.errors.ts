import { DomainError } from '@maas/errors';
import { InvalidFieldsError, type FieldProblem } from '../validation/invalid-fields.error.js';
import { displayName, type ServiceState } from './service-state.js';

export enum LifecycleErrorCode {
  WrongState = 'DEPLOY.0201',
  ObservationNotApplicable = 'DEPLOY.0202',
  InvalidCommand = 'DEPLOY.0203',
}

/**
 * 409: the operation is not allowed in the service's current state. Names the current
 * state and the allowed ones, e.g. "Service is in state Stopped; scale is allowed in
 * Running, Alarm."
 */
export class WrongStateError extends DomainError {
  /**
   * @param operation the command's API name (`set_qps`), given in the details
   * @param label how the message names it (`set QPS`)
   */
  constructor(
    operation: string,
    label: string,
    current: ServiceState,
    allowed: readonly ServiceState[],
  ) {
    super(
      LifecycleErrorCode.WrongState,
      'conflict',
      `Service is in state ${displayName(current)}; ${label} is allowed in ${allowed
        .map(displayName)
        .join(', ')}.`,
      { details: { operation, state: current, allowed_states: allowed } },
    );
  }
}

/** 409 for the reconciler: the observation is stale or out of order for the current state. */
export class ObservationNotApplicableError extends DomainError {
  constructor(observation: string, current: ServiceState, appliesIn: readonly ServiceState[]) {
    super(
      LifecycleErrorCode.ObservationNotApplicable,
      'conflict',
      `Service is in state ${displayName(current)}; observation ${observation} applies in ${appliesIn
        .map(displayName)
        .join(', ')}.`,
      { details: { observation, state: current, allowed_states: appliesIn } },
    );
  }
}

/** 400: a command's parameters are wrong (missing confirmation, bad instance count…). */
export class InvalidCommandError extends InvalidFieldsError {
  constructor(operation: string, problem: FieldProblem) {
    super(LifecycleErrorCode.InvalidCommand, `Invalid ${operation} request`, [problem]);
  }
}
