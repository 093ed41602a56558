import { DomainError } from '@maas/errors';
import { type FieldProblem, InvalidFieldsError } from '../validation/invalid-fields.error.js';

export enum ModelServiceErrorCode {
  ServiceNotFound = 'DEPLOY.0401',
  ServiceNameTaken = 'DEPLOY.0402',
  ServiceModified = 'DEPLOY.0403',
  NotAuthorizedToDeploy = 'DEPLOY.0404',
  ExceedsPool = 'DEPLOY.0405',
  InvalidServiceUpdate = 'DEPLOY.0406',
}

export class ServiceNotFoundError extends DomainError {
  constructor(serviceId: string) {
    super(
      ModelServiceErrorCode.ServiceNotFound,
      'not_found',
      `Service ${serviceId} does not exist`,
      {
        details: { service_id: serviceId },
      },
    );
  }
}

/** 409: Table 4-4's "unique in the project". */
export class ServiceNameTakenError extends DomainError {
  constructor(name: string) {
    const message = `service_name ${name} is taken: a service of this project already has it`;
    super(ModelServiceErrorCode.ServiceNameTaken, 'conflict', message, {
      details: { fields: [{ field: 'service_name', messages: [message] }] },
    });
  }
}

/**
 * 409: another operation changed the service between this one's read and write (optimistic
 * concurrency). Nothing was written; read the service again and retry if still wanted.
 */
export class ServiceModifiedError extends DomainError {
  constructor(serviceId: string, version: number) {
    super(
      ModelServiceErrorCode.ServiceModified,
      'conflict',
      `Service ${serviceId} was changed by another operation while this one ran (it was at version ${version}); nothing was changed. Read the service again and retry if the operation still applies.`,
      { details: { service_id: serviceId, read_version: version, retryable: true } },
    );
  }
}

/** 403: no ModelArts authorization covers the caller (SPEC §3): say how to get one. */
export class NotAuthorizedToDeployError extends DomainError {
  constructor(projectId: string) {
    super(
      ModelServiceErrorCode.NotAuthorizedToDeploy,
      'forbidden',
      'MaaS has no ModelArts authorization for you, so it cannot deploy services on your behalf. ' +
        'Ask your administrator to add a ModelArts authorization for you (or for all users) in ' +
        `Permission Management (POST /v2/${projectId}/authorizations on the IAM service), then retry; ` +
        'it takes effect within seconds.',
      { details: { required: 'modelarts_authorization', project_id: projectId } },
    );
  }
}

/** 400: the request needs more NPUs than the pool has even when empty (never admitted). */
export class ExceedsPoolError extends InvalidFieldsError {
  constructor(problem: FieldProblem) {
    super(ModelServiceErrorCode.ExceedsPool, 'The resource pool is too small', [problem]);
  }
}

/** 400: a PUT on the service mixes a status change with other changes, or has none. */
export class InvalidServiceUpdateError extends InvalidFieldsError {
  constructor(problem: FieldProblem) {
    super(ModelServiceErrorCode.InvalidServiceUpdate, 'Invalid service update', [problem]);
  }
}
