import { DomainError } from '@maas/errors';

export enum GroupErrorCode {
  NotFound = 'IAM.0301',
  NameTaken = 'IAM.0302',
  MembershipNotFound = 'IAM.0303',
}

export class GroupNotFoundError extends DomainError {
  constructor(id: string) {
    super(GroupErrorCode.NotFound, 'not_found', `Group ${id} does not exist`);
  }
}

export class GroupNameTakenError extends DomainError {
  constructor(name: string) {
    super(
      GroupErrorCode.NameTaken,
      'conflict',
      `A group named ${name} already exists in the account`,
    );
  }
}

export class MembershipNotFoundError extends DomainError {
  constructor(groupId: string, userId: string) {
    super(
      GroupErrorCode.MembershipNotFound,
      'not_found',
      `User ${userId} is not a member of group ${groupId}`,
    );
  }
}
