import { DomainError } from '@maas/errors';

export enum AuthErrorCode {
  MissingToken = 'IAM.0001',
  InvalidToken = 'IAM.0002',
  ActionDenied = 'IAM.0003',
  ProjectNotFound = 'IAM.0004',
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
