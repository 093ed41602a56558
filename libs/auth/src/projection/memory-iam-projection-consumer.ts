import type { Kafka } from 'kafkajs';
import { type EventsLogger, Topic, topicName, TopicReplayConsumer } from '@maas/events';
import type { IamApplyOutcome, MemoryIamProjection } from './memory-iam-projection.js';

export interface MemoryIamProjectionConsumerOptions {
  kafka: Kafka;
  projection: MemoryIamProjection;
  /** Prepended to the topic and group names (test runs, shared clusters). */
  topicPrefix?: string;
  /**
   * Base of the consumer group id (default "gateway.iam-projection"). Every process adds a
   * unique suffix: each replica needs every message, so replicas never share a group.
   */
  name?: string;
  /** Longest a fetch waits for new messages (default 100 ms): how soon a freeze applies. */
  maxWaitTimeInMs?: number;
  /**
   * When fetches have kept coming back empty for this long (default 2 s), partitions whose
   * end offset at start never arrived count as caught up (e.g. the last offsets were
   * transaction markers, which are never delivered).
   */
  idleCatchUpMs?: number;
  logger?: EventsLogger;
}

export interface MemoryIamProjectionStats {
  applied: number;
  stale: number;
  skipped: number;
  malformed: number;
}

/**
 * Keeps a MemoryIamProjection from maas.iam.v1: reads the topic from the beginning on every
 * start (a consumer group of its own per process, offsets never committed), then follows it
 * (TopicReplayConsumer of @maas/events does the Kafka side). `caughtUp` turns true (and
 * `ready` resolves) once everything that was on the topic when it started has been applied:
 * a process answers calls that need IAM only after that. `start()` throws if Kafka or the
 * topic is not there (IAM creates it): retry it (e.g. with `retryInBackground` from
 * @maas/events). `stats()` counts MemoryIamProjectionStats.
 */
export class MemoryIamProjectionConsumer extends TopicReplayConsumer<IamApplyOutcome> {
  constructor(options: MemoryIamProjectionConsumerOptions) {
    const prefix = options.topicPrefix ?? '';
    const projection = options.projection;
    super({
      kafka: options.kafka,
      topic: topicName(Topic.Iam, prefix),
      groupName: `${prefix}${options.name ?? 'gateway.iam-projection'}`,
      outcomes: ['applied', 'stale', 'skipped'],
      maxWaitTimeInMs: options.maxWaitTimeInMs,
      idleCatchUpMs: options.idleCatchUpMs,
      logger: options.logger,
      onEvent: (envelope) => projection.applyEnvelope(envelope),
    });
  }
}
