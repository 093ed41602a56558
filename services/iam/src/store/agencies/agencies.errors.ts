import { DomainError } from '@maas/errors';

export enum AgencyErrorCode {
  NotFound = 'IAM.0501',
  NameTaken = 'IAM.0502',
  QuotaExceeded = 'IAM.0503',
  InUse = 'IAM.0504',
  NoFreeName = 'IAM.0505',
}

export class AgencyNotFoundError extends DomainError {
  constructor(id: string) {
    super(AgencyErrorCode.NotFound, 'not_found', `Agency ${id} does not exist`);
  }
}

export class AgencyNameTakenError extends DomainError {
  constructor(name: string) {
    super(
      AgencyErrorCode.NameTaken,
      'conflict',
      `An agency named ${name} already exists in the account`,
    );
  }
}

/**
 * The account's agency quota is reached. The message is seed 002 §2.2's constraint ("A maximum
 * of 50 agencies can be created under an account.") with the account's limit, which the
 * platform operator sets through the quotas service (default 50).
 */
export class AgencyQuotaExceededError extends DomainError {
  constructor(limit: number) {
    super(
      AgencyErrorCode.QuotaExceeded,
      'quota_exceeded',
      `A maximum of ${limit} agencies can be created under an account.`,
      { details: { limit } },
    );
  }
}

export class AgencyInUseError extends DomainError {
  constructor(name: string, authorizations: number) {
    super(
      AgencyErrorCode.InUse,
      'conflict',
      `Agency ${name} is used by ${authorizations} ModelArts authorization(s); delete them first`,
      { details: { authorizations } },
    );
  }
}

export class NoFreeAgencyNameError extends DomainError {
  constructor(base: string) {
    super(
      AgencyErrorCode.NoFreeName,
      'conflict',
      `No free agency name based on ${base} was found; give the new agency a name`,
    );
  }
}
