import { type EachBatchPayload, type Kafka } from 'kafkajs';
import {
  BatchTopicConsumer,
  decodeEnvelope,
  type EventsLogger,
  Topic,
  topicName,
  unpackPayload,
  UsageRecordedSchema,
} from '@maas/events';
import { timestampDate } from '@bufbuild/protobuf/wkt';

/** Where the consumer writes what it found: the latest use per key id. */
export type LastUsedSink = (latest: ReadonlyMap<string, Date>) => Promise<unknown>;

/** The latest usage time per key id in a batch of maas.usage.v1 messages. */
export function latestUseByKey(values: readonly (Buffer | null)[]): Map<string, Date> {
  const latest = new Map<string, Date>();
  for (const value of values) {
    if (!value) continue;
    try {
      const envelope = decodeEnvelope(value);
      if (envelope.type !== UsageRecordedSchema.typeName) continue;
      const usage = unpackPayload(envelope, UsageRecordedSchema);
      if (!usage?.keyId || !envelope.occurredAt) continue;
      const at = timestampDate(envelope.occurredAt);
      const known = latest.get(usage.keyId);
      if (!known || known < at) latest.set(usage.keyId, at);
    } catch {
      // Not an envelope: the usage ledger reports malformed messages; last-used skips them.
    }
  }
  return latest;
}

/**
 * Keeps `last_used_at` of API keys from maas.usage.v1, asynchronously and in batches: one
 * UPDATE per fetched batch, not one write per call. Taking the maximum is idempotent, so
 * it needs no inbox: a redelivered batch changes nothing. Offsets are committed after the
 * batch's update (BatchTopicConsumer: replaced after a crash kafkajs gives up on).
 */
export class LastUsedConsumer extends BatchTopicConsumer {
  constructor(
    private readonly options: {
      kafka: Kafka;
      sink: LastUsedSink;
      topicPrefix?: string;
      name?: string;
      logger: EventsLogger;
    },
  ) {
    const { kafka, topicPrefix, name, logger } = options;
    super({
      kafka,
      groupId: `${topicPrefix ?? ''}${name ?? 'keys.last-used'}`,
      topic: topicName(Topic.Usage, topicPrefix),
      maxWaitTimeInMs: 1_000,
      logger,
    });
  }

  protected async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (batch.isEmpty()) return;
    const latest = latestUseByKey(batch.messages.map((m) => m.value));
    try {
      await this.options.sink(latest);
    } catch (error) {
      this.options.logger.warn(
        { err: error instanceof Error ? error.message : String(error), partition: batch.partition },
        'cannot record last use of API keys; the batch will be retried',
      );
      throw error;
    }
    payload.resolveOffset(batch.lastOffset());
    await payload.commitOffsetsIfNecessary();
    await payload.heartbeat();
  }
}
