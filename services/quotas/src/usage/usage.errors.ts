import { DomainError } from '@maas/errors';

export enum UsageErrorCode {
  BadRange = 'QUOTAS.0301',
}

export class UsageRangeError extends DomainError {
  constructor(message: string) {
    super(UsageErrorCode.BadRange, 'validation', message, {
      details: { fields: [{ field: 'start', messages: [message] }] },
    });
  }
}
