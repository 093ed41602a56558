import { DomainError } from '@maas/errors';
import { fieldError } from '../../common/field-error.js';

export enum AccountErrorCode {
  NotFound = 'IAM.0101',
  NameTaken = 'IAM.0102',
  // IAM.0103 (operator API disabled) and IAM.0104 (operator token missing or wrong) are the
  // operator guard's, in @maas/auth's AuthErrorCode.
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

export const weakRootPassword = (problem: string) =>
  fieldError(AccountErrorCode.WeakRootPassword, 'root_password', `root_password ${problem}`);
