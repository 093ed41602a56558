import { DomainError } from '@maas/errors';

export enum PresetErrorCode {
  PresetNotFound = 'DEPLOY.0701',
  PresetServiceDeleting = 'DEPLOY.0702',
  InvalidPresetRequest = 'DEPLOY.0703',
}

/** 404: no preset service of this region has that id (unpublished ones included). */
export class PresetServiceNotFoundError extends DomainError {
  constructor(serviceId: string) {
    super(
      PresetErrorCode.PresetNotFound,
      'not_found',
      `Preset service ${serviceId} does not exist in this region`,
      { details: { service_id: serviceId } },
    );
  }
}

/** 409: a service being deleted cannot be published. */
export class PresetServiceDeletingError extends DomainError {
  constructor(serviceId: string) {
    super(
      PresetErrorCode.PresetServiceDeleting,
      'conflict',
      `Service ${serviceId} is being deleted; it cannot be published as a preset service`,
      { details: { service_id: serviceId, status: 'deleting' } },
    );
  }
}
