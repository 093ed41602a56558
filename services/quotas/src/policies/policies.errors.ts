import { DomainError } from '@maas/errors';

export enum PolicyErrorCode {
  NotFound = 'QUOTAS.0201',
  KeyNotFound = 'QUOTAS.0202',
  ManagedByDeployments = 'QUOTAS.0203',
}

export class PolicyNotFoundError extends DomainError {
  constructor(id: string) {
    super(PolicyErrorCode.NotFound, 'not_found', `Rate-limit policy ${id} does not exist`);
  }
}

/** The key is not one of the project's (or not yet known here: keys are projected from maas.keys.v1). */
export class PolicyKeyNotFoundError extends DomainError {
  constructor(keyId: string) {
    super(
      PolicyErrorCode.KeyNotFound,
      'not_found',
      `API key ${keyId} does not exist in the project`,
    );
  }
}

export class PolicyManagedByDeploymentsError extends DomainError {
  constructor(id: string) {
    super(
      PolicyErrorCode.ManagedByDeployments,
      'conflict',
      `Rate-limit policy ${id} is a service's QPS limit; change it with the service's set QPS operation`,
    );
  }
}
