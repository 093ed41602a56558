import { DomainError } from '@maas/errors';

export enum AccountErrorCode {
  NotFound = 'IAM.0101',
  NameTaken = 'IAM.0102',
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
