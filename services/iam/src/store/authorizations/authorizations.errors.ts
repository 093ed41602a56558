import { DomainError } from '@maas/errors';
import { fieldError } from '../../common/field-error.js';

export enum AuthorizationErrorCode {
  NotFound = 'IAM.0601',
  AlreadyAuthorized = 'IAM.0602',
  TargetNotFound = 'IAM.0603',
  AllUsersNeedsRoot = 'IAM.0604',
  InvalidTarget = 'IAM.0605',
  AgencyExpired = 'IAM.0606',
}

export class AuthorizationNotFoundError extends DomainError {
  constructor(id: string) {
    super(AuthorizationErrorCode.NotFound, 'not_found', `Authorization ${id} does not exist`);
  }
}

export class AlreadyAuthorizedError extends DomainError {
  constructor(target: string, existingId: string) {
    super(
      AuthorizationErrorCode.AlreadyAuthorized,
      'conflict',
      `${target} already has a ModelArts authorization (${existingId}); delete it to change the agency`,
      { details: { authorization_id: existingId } },
    );
  }
}

export const targetNotFound = (message: string) =>
  fieldError(AuthorizationErrorCode.TargetNotFound, 'authorized_to', message);

export const invalidTarget = (message: string) =>
  fieldError(AuthorizationErrorCode.InvalidTarget, 'authorized_to', message);

export class AllUsersNeedsRootError extends DomainError {
  constructor() {
    super(
      AuthorizationErrorCode.AllUsersNeedsRoot,
      'forbidden',
      "Only the account's root user can authorize all users",
    );
  }
}

export const agencyExpired = (name: string) =>
  fieldError(AuthorizationErrorCode.AgencyExpired, 'agency_id', `Agency ${name} has expired`);
