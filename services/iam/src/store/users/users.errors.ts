import { DomainError } from '@maas/errors';
import { fieldError } from '../../common/field-error.js';

export enum UserErrorCode {
  NotFound = 'IAM.0201',
  NameTaken = 'IAM.0202',
  RootUserProtected = 'IAM.0203',
  WeakPassword = 'IAM.0204',
  AccessKeyNotFound = 'IAM.0205',
  AccessKeyQuotaExceeded = 'IAM.0206',
}

/** At most this many access keys per user (as in Huawei Cloud IAM). */
export const MAX_ACCESS_KEYS_PER_USER = 2;

export class UserNotFoundError extends DomainError {
  constructor(id: string) {
    super(UserErrorCode.NotFound, 'not_found', `User ${id} does not exist`);
  }
}

export class UserNameTakenError extends DomainError {
  constructor(name: string) {
    super(
      UserErrorCode.NameTaken,
      'conflict',
      `A user named ${name} already exists in the account`,
    );
  }
}

export class RootUserProtectedError extends DomainError {
  constructor(what: string) {
    super(UserErrorCode.RootUserProtected, 'conflict', `The account's root user cannot be ${what}`);
  }
}

export const weakPassword = (field: string, problem: string) =>
  fieldError(UserErrorCode.WeakPassword, field, `${field} ${problem}`);

export class AccessKeyNotFoundError extends DomainError {
  constructor(accessKey: string) {
    super(UserErrorCode.AccessKeyNotFound, 'not_found', `Access key ${accessKey} does not exist`);
  }
}

export class AccessKeyQuotaExceededError extends DomainError {
  constructor() {
    super(
      UserErrorCode.AccessKeyQuotaExceeded,
      'quota_exceeded',
      `A user can have at most ${MAX_ACCESS_KEYS_PER_USER} access keys; delete one first`,
      { details: { limit: MAX_ACCESS_KEYS_PER_USER } },
    );
  }
}
