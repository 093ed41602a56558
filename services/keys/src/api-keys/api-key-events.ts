import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  ApiKeyChangedSchema,
  ApiKeyDeletedSchema,
  ApiKeyScopeSchema,
  ApiKeyStatus,
  type EventInput,
} from '@maas/events';
import { type ApiKeyEntity } from './api-key.entity.js';

const AGGREGATE = 'api_key';

/**
 * The key's whole state for maas.keys.v1: hash, scope, status (ACTIVE, or FROZEN while the
 * operator has frozen it: verifiers answer 81006); never the secret.
 */
export function apiKeyChanged(
  key: ApiKeyEntity,
  requestId?: string,
): EventInput<typeof ApiKeyChangedSchema> {
  const grace = key.previousSecretHash !== null && key.previousValidUntil !== null;
  return {
    schema: ApiKeyChangedSchema,
    payload: {
      keyId: key.id,
      accountId: key.accountId,
      projectId: key.projectId,
      region: key.region,
      tag: key.tag,
      description: key.description,
      status: key.frozen ? ApiKeyStatus.FROZEN : ApiKeyStatus.ACTIVE,
      secretHash: key.secretHash,
      ...(grace
        ? {
            previousSecretHash: key.previousSecretHash!,
            previousValidUntil: timestampFromDate(key.previousValidUntil!),
          }
        : {}),
      scope: create(ApiKeyScopeSchema, {
        allServices: key.allServices,
        serviceIds: key.serviceIds,
        allowedCidrs: key.allowedCidrs,
        allowedModels: key.allowedModels,
      }),
      displayPrefix: key.secretPrefix,
      displaySuffix: key.secretSuffix,
      createdAt: timestampFromDate(key.createdAt),
      ...(key.rotatedAt ? { rotatedAt: timestampFromDate(key.rotatedAt) } : {}),
      version: BigInt(key.version),
    },
    accountId: key.accountId,
    projectId: key.projectId,
    aggregateType: AGGREGATE,
    aggregateId: key.id,
    ...(requestId ? { requestId } : {}),
  };
}

/** The key is gone (a tombstone follows it on the topic). */
export function apiKeyDeleted(
  key: ApiKeyEntity,
  requestId?: string,
): EventInput<typeof ApiKeyDeletedSchema> {
  return {
    schema: ApiKeyDeletedSchema,
    payload: {
      keyId: key.id,
      secretHash: key.secretHash,
      accountId: key.accountId,
      projectId: key.projectId,
      previousSecretHash: key.previousSecretHash ?? '',
      version: BigInt(key.version + 1),
    },
    accountId: key.accountId,
    projectId: key.projectId,
    aggregateType: AGGREGATE,
    aggregateId: key.id,
    ...(requestId ? { requestId } : {}),
  };
}
