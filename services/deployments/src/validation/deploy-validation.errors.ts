import { type FieldProblem, InvalidFieldsError } from './invalid-fields.error.js';

export enum DeployValidationErrorCode {
  InvalidDeployRequest = 'DEPLOY.0301',
}

/** 400 listing every Table 4-4 rule the deploy request breaks. */
export class InvalidDeployRequestError extends InvalidFieldsError {
  constructor(problems: readonly FieldProblem[]) {
    super(DeployValidationErrorCode.InvalidDeployRequest, 'Invalid deploy request', problems);
  }
}
