import { DomainError } from '@maas/errors';

export enum TokenErrorCode {
  InvalidCredentials = 'IAM.0701',
  InvalidScope = 'IAM.0702',
}

/** Unknown account, unknown user and wrong password all read the same. */
export class InvalidCredentialsError extends DomainError {
  constructor() {
    super(TokenErrorCode.InvalidCredentials, 'unauthorized', 'The credentials are incorrect.');
  }
}

export class InvalidScopeError extends DomainError {
  constructor() {
    super(
      TokenErrorCode.InvalidScope,
      'unauthorized',
      "The project in auth.scope is not one of the user's account",
    );
  }
}
