import { DomainError } from '@maas/errors';
import { fieldError } from '../../common/field-error.js';

export enum PolicyErrorCode {
  NotFound = 'IAM.0401',
  NameTaken = 'IAM.0402',
  InvalidDocument = 'IAM.0403',
  SystemPolicyReadOnly = 'IAM.0404',
  InUse = 'IAM.0405',
  AttachmentNotFound = 'IAM.0406',
  InvalidScope = 'IAM.0407',
}

export class PolicyNotFoundError extends DomainError {
  constructor(id: string) {
    super(PolicyErrorCode.NotFound, 'not_found', `Policy ${id} does not exist`);
  }
}

export class PolicyNameTakenError extends DomainError {
  constructor(name: string) {
    super(PolicyErrorCode.NameTaken, 'conflict', `A policy named ${name} already exists`);
  }
}

export const invalidPolicyDocument = (problems: string[]) =>
  new DomainError(
    PolicyErrorCode.InvalidDocument,
    'validation',
    `Invalid policy: ${problems.join('; ')}`,
    {
      details: { fields: [{ field: 'policy', messages: problems }] },
    },
  );

export class SystemPolicyReadOnlyError extends DomainError {
  constructor(name: string) {
    super(
      PolicyErrorCode.SystemPolicyReadOnly,
      'forbidden',
      `${name} is a system policy: it cannot be changed or deleted`,
    );
  }
}

export class PolicyInUseError extends DomainError {
  constructor(name: string, attachments: number) {
    super(
      PolicyErrorCode.InUse,
      'conflict',
      `Policy ${name} is attached ${attachments} time(s); detach it from every group and agency first`,
      { details: { attachments } },
    );
  }
}

export class AttachmentNotFoundError extends DomainError {
  constructor(policyId: string, principal: string) {
    super(
      PolicyErrorCode.AttachmentNotFound,
      'not_found',
      `Policy ${policyId} is not attached to ${principal}`,
    );
  }
}

export const invalidScope = (message: string) =>
  fieldError(PolicyErrorCode.InvalidScope, 'project_ids', message);
