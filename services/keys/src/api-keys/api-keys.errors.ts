import { DomainError } from '@maas/errors';

export enum ApiKeyErrorCode {
  NotFound = 'KEYS.0101',
  TagTaken = 'KEYS.0102',
  QuotaExceeded = 'KEYS.0103',
  GracePeriodTooLong = 'KEYS.0104',
  ProjectNotFound = 'KEYS.0105',
}

export class ApiKeyNotFoundError extends DomainError {
  constructor(id: string) {
    super(ApiKeyErrorCode.NotFound, 'not_found', `API key ${id} does not exist`);
  }
}

export class ApiKeyTagTakenError extends DomainError {
  constructor(tag: string) {
    super(
      ApiKeyErrorCode.TagTaken,
      'conflict',
      `An API key tagged ${tag} already exists in the account; tags must be unique`,
      {
        details: { fields: [{ field: 'tag', messages: ['tag must be unique in the account'] }] },
      },
    );
  }
}

/** The 31st key (seed 002 §5.1: "Each account can have up to 30 API keys"). */
export class ApiKeyQuotaExceededError extends DomainError {
  constructor(limit: number, used: number) {
    super(
      ApiKeyErrorCode.QuotaExceeded,
      'quota_exceeded',
      `The account already has ${used} API keys, the maximum of ${limit}; delete a key you no longer use before creating another`,
      { details: { limit, used } },
    );
  }
}

export class GracePeriodTooLongError extends DomainError {
  constructor(max: number) {
    const message = `grace_period_seconds must be at most ${max}`;
    super(ApiKeyErrorCode.GracePeriodTooLong, 'validation', message, {
      details: { fields: [{ field: 'grace_period_seconds', messages: [message] }] },
    });
  }
}

/** The project is not (or not yet) known to this service's IAM projection. */
export class ProjectNotFoundError extends DomainError {
  constructor(id: string) {
    super(ApiKeyErrorCode.ProjectNotFound, 'not_found', `Project ${id} does not exist`);
  }
}
