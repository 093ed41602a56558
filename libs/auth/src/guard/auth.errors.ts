import { DomainError } from '@maas/errors';

export enum AuthErrorCode {
  MissingToken = 'IAM.0001',
  InvalidToken = 'IAM.0002',
  ActionDenied = 'IAM.0003',
  ProjectNotFound = 'IAM.0004',
  // The operator API (X-Operator-Token); numbered where IAM's accounts API introduced them.
  OperatorApiDisabled = 'IAM.0103',
  OperatorTokenInvalid = 'IAM.0104',
}

export const missingToken = () =>
  new DomainError(
    AuthErrorCode.MissingToken,
    'unauthorized',
    'The X-Auth-Token header is missing.',
  );

export const invalidToken = (expired: boolean) =>
  new DomainError(
    AuthErrorCode.InvalidToken,
    'unauthorized',
    expired
      ? 'The token has expired. Obtain a new one from POST /v3/auth/tokens.'
      : 'The token is invalid.',
  );

export const actionDenied = (action: string) =>
  new DomainError(
    AuthErrorCode.ActionDenied,
    'forbidden',
    `Policy doesn't allow ${action} to be performed.`,
    {
      details: { action },
    },
  );

/** Another tenant's (or an unknown) project: 404, never 403, so ids do not leak. */
export const projectNotFound = (projectId: string) =>
  new DomainError(
    AuthErrorCode.ProjectNotFound,
    'not_found',
    `Project ${projectId} does not exist.`,
  );

/** No OPERATOR_TOKEN is configured: the operator API is off (`hint`: what to do instead). */
export const operatorApiDisabled = (hint?: string) =>
  new DomainError(
    AuthErrorCode.OperatorApiDisabled,
    'forbidden',
    `The operator API is disabled: set OPERATOR_TOKEN${hint ? `, or ${hint}` : ''}`,
  );

export const operatorTokenInvalid = () =>
  new DomainError(
    AuthErrorCode.OperatorTokenInvalid,
    'unauthorized',
    'The X-Operator-Token header is missing or wrong',
  );
