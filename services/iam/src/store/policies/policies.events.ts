import {
  type EventInput,
  PolicyAttachedSchema,
  PolicyCreatedSchema,
  PolicyDeletedSchema,
  PolicyDetachedSchema,
  PolicyUpdatedSchema,
  PrincipalType,
} from '@maas/events';
import { assertUnreachable } from '@maas/errors';
import { type AttachmentScope, type Principal } from './attachments.repository.js';
import { type PolicyEntity } from './policy.entity.js';

export function principalType(principal: Principal): PrincipalType {
  switch (principal.kind) {
    case 'group':
      return PrincipalType.GROUP;
    case 'agency':
      return PrincipalType.AGENCY;
    default:
      return assertUnreachable(principal, 'principal');
  }
}

const ofPolicy = (policy: PolicyEntity, accountId: string) => ({
  accountId,
  aggregateType: 'policy',
  aggregateId: policy.id,
});

const ofPrincipal = (principal: Principal, accountId: string) => ({
  accountId,
  aggregateType: principal.kind,
  aggregateId: principal.id,
});

export const policyCreated = (
  policy: PolicyEntity & { accountId: string },
): EventInput<typeof PolicyCreatedSchema> => ({
  schema: PolicyCreatedSchema,
  payload: {
    policyId: policy.id,
    accountId: policy.accountId,
    name: policy.name,
    documentJson: JSON.stringify(policy.document),
  },
  ...ofPolicy(policy, policy.accountId),
});

export const policyUpdated = (
  policy: PolicyEntity & { accountId: string },
): EventInput<typeof PolicyUpdatedSchema> => ({
  schema: PolicyUpdatedSchema,
  payload: {
    policyId: policy.id,
    accountId: policy.accountId,
    name: policy.name,
    documentJson: JSON.stringify(policy.document),
  },
  ...ofPolicy(policy, policy.accountId),
});

export const policyDeleted = (
  policy: PolicyEntity & { accountId: string },
): EventInput<typeof PolicyDeletedSchema> => ({
  schema: PolicyDeletedSchema,
  payload: { policyId: policy.id, accountId: policy.accountId, name: policy.name },
  ...ofPolicy(policy, policy.accountId),
});

export const policyAttached = (
  accountId: string,
  policy: PolicyEntity,
  principal: Principal,
  scope: AttachmentScope,
): EventInput<typeof PolicyAttachedSchema> => ({
  schema: PolicyAttachedSchema,
  payload: {
    accountId,
    policyId: policy.id,
    policyName: policy.name,
    principalType: principalType(principal),
    principalId: principal.id,
    scopeGlobal: scope.scopeGlobal,
    projectIds: scope.scopeGlobal ? [] : scope.projectIds,
  },
  ...ofPrincipal(principal, accountId),
});

export const policyDetached = (
  accountId: string,
  policy: PolicyEntity,
  principal: Principal,
): EventInput<typeof PolicyDetachedSchema> => ({
  schema: PolicyDetachedSchema,
  payload: {
    accountId,
    policyId: policy.id,
    policyName: policy.name,
    principalType: principalType(principal),
    principalId: principal.id,
  },
  ...ofPrincipal(principal, accountId),
});
