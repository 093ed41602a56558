import { DomainError } from '@maas/errors';
import { fieldError } from '../common/field-error.js';

export enum AccountErrorCode {
  NotFound = 'IAM.0101',
  NameTaken = 'IAM.0102',
  OperatorApiDisabled = 'IAM.0103',
  OperatorTokenInvalid = 'IAM.0104',
  WeakRootPassword = 'IAM.0105',
}

export class AccountNotFoundError extends DomainError {
  constructor(id: string) {
    super(AccountErrorCode.NotFound, 'not_found', `Account ${id} does not exist`);
  }
}

export class AccountNameTakenError extends DomainError {
  constructor(name: string) {
    super(AccountErrorCode.NameTaken, 'conflict', `An account named ${name} already exists`);
  }
}

export class OperatorApiDisabledError extends DomainError {
  constructor() {
    super(
      AccountErrorCode.OperatorApiDisabled,
      'forbidden',
      'The operator API is disabled: set OPERATOR_TOKEN, or create accounts with the bootstrap command',
    );
  }
}

export class OperatorTokenInvalidError extends DomainError {
  constructor() {
    super(
      AccountErrorCode.OperatorTokenInvalid,
      'unauthorized',
      'The X-Operator-Token header is missing or wrong',
    );
  }
}

export const weakRootPassword = (problem: string) =>
  fieldError(AccountErrorCode.WeakRootPassword, 'root_password', `root_password ${problem}`);
