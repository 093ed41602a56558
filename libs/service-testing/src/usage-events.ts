import { randomUUID } from 'node:crypto';
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { type EventInput, UsageRecordedSchema } from '@maas/events';

/**
 * The UsageRecorded event the gateway publishes for one call of `account` (maas.usage.v1),
 * with a fresh request id, for the tests of its consumers (keys' last use, the quotas
 * ledger). `event` may give the time it happened or an aggregate id (the partition key:
 * events of one aggregate arrive in order).
 */
export function usageRecorded(
  account: { id: string; projectId: string },
  usage: Omit<MessageInitShape<typeof UsageRecordedSchema>, '$typeName' | 'requestId'>,
  event: { aggregateId?: string; occurredAt?: Date } = {},
): EventInput<typeof UsageRecordedSchema> {
  return {
    schema: UsageRecordedSchema,
    payload: create(UsageRecordedSchema, { requestId: randomUUID(), ...usage }),
    accountId: account.id,
    projectId: account.projectId,
    aggregateType: 'request',
    aggregateId: event.aggregateId ?? randomUUID(),
    ...(event.occurredAt ? { occurredAt: event.occurredAt } : {}),
  };
}
