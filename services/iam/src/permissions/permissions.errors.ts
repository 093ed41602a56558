import { DomainError } from '@maas/errors';

export enum PermissionErrorCode {
  ProjectNotFound = 'IAM.0801',
}

export class ProjectNotFoundError extends DomainError {
  constructor(id: string) {
    super(PermissionErrorCode.ProjectNotFound, 'not_found', `Project ${id} does not exist`);
  }
}
