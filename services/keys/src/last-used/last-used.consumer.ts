import { type EachBatchPayload, type Kafka } from 'kafkajs';
import {
  decodeEnvelope,
  type EventsLogger,
  kafkaSession,
  RestartingConsumer,
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
 * batch's update. A Kafka consumer that kafkajs gives up on after a crash is replaced
 * (RestartingConsumer).
 */
export class LastUsedConsumer {
  private consumer?: RestartingConsumer;

  constructor(
    private readonly options: {
      kafka: Kafka;
      sink: LastUsedSink;
      topicPrefix?: string;
      name?: string;
      logger: EventsLogger;
    },
  ) {}

  get groupId(): string {
    return `${this.options.topicPrefix ?? ''}${this.options.name ?? 'keys.last-used'}`;
  }

  async start(): Promise<void> {
    if (this.consumer) return;
    const { kafka, topicPrefix, logger } = this.options;
    const consumer = new RestartingConsumer({
      name: this.groupId,
      logger,
      open: (onFatalCrash) =>
        kafkaSession(
          kafka.consumer({
            groupId: this.groupId,
            allowAutoTopicCreation: false,
            maxWaitTimeInMs: 1_000,
            sessionTimeout: 10_000,
            heartbeatInterval: 3_000,
          }),
          { topics: [topicName(Topic.Usage, topicPrefix)], fromBeginning: true },
          { eachBatchAutoResolve: false, eachBatch: (payload) => this.onBatch(payload) },
          onFatalCrash,
        ),
    });
    this.consumer = consumer;
    try {
      await consumer.start();
    } catch (error) {
      this.consumer = undefined;
      throw error;
    }
  }

  /** Times the Kafka consumer was replaced after a crash kafkajs gave up on. */
  get restarts(): number {
    return this.consumer?.restarts ?? 0;
  }

  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.stop();
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
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
