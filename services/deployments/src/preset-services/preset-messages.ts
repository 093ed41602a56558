import { type EventInput, PresetServiceAccessChangedSchema } from '@maas/events';
import { type AccessChange } from './preset-access.repository.js';

/** The aggregate (and Kafka key) of an account's access to a preset service. */
export const PRESET_ACCESS_AGGREGATE = 'preset_access';

export function presetAccessKey(accountId: string, serviceId: string): string {
  return `${accountId}:${serviceId}`;
}

/**
 * The PresetServiceAccessChanged message of one access change (maas.deployments.v1, keyed
 * by `<account_id>:<service_id>` so one account's changes of one service stay in order).
 */
export function presetAccessMessage(change: AccessChange, requestId?: string): EventInput {
  return {
    schema: PresetServiceAccessChangedSchema,
    payload: {
      accountId: change.accountId,
      serviceId: change.serviceId,
      enabled: change.enabled,
      version: BigInt(change.version),
    },
    accountId: change.accountId,
    aggregateType: PRESET_ACCESS_AGGREGATE,
    aggregateId: presetAccessKey(change.accountId, change.serviceId),
    ...(requestId ? { requestId } : {}),
  };
}
