import { type Kafka } from 'kafkajs';
import {
  ApiKeyChangedSchema,
  ApiKeyDeletedSchema,
  type EventsLogger,
  requirePayload,
  Topic,
  topicName,
  TopicReplayConsumer,
} from '@maas/events';
import { type KeyProjection } from './key-projection.js';

export interface KeyProjectionConsumerOptions {
  kafka: Kafka;
  projection: KeyProjection;
  /** Prepended to the topic and group names (test runs, shared clusters). */
  topicPrefix?: string;
  /**
   * Base of the consumer group id (default "gateway.keys-projection"). Every process adds
   * a unique suffix: each replica must read every partition, so replicas never share a group.
   */
  name?: string;
  /** Longest a fetch waits for new messages (default 100 ms): bounds the delete→reject time. */
  maxWaitTimeInMs?: number;
  /**
   * When the broker has answered fetches but delivered nothing for this long (default 2 s),
   * the partitions still waited for count as caught up: compaction may have removed the
   * records at the end of a partition (an old tombstone), so its last offset at start never
   * arrives.
   */
  idleCatchUpMs?: number;
  logger?: EventsLogger;
}

export interface KeyProjectionStats {
  changed: number;
  deleted: number;
  tombstones: number;
  skipped: number;
  malformed: number;
}

type Outcome = Exclude<keyof KeyProjectionStats, 'malformed'>;

/**
 * Keeps a KeyProjection from maas.keys.v1: reads the compacted topic from the beginning
 * (that is the bootstrap: the latest message of every key is its state), then follows it.
 * `ready` resolves once everything that was on the topic at start has been applied; a
 * gateway answers calls only after that. Offsets are never committed: every start replays
 * (TopicReplayConsumer of @maas/events does the Kafka side); `stats()` counts
 * KeyProjectionStats.
 */
export class KeyProjectionConsumer extends TopicReplayConsumer<Outcome> {
  constructor(options: KeyProjectionConsumerOptions) {
    const prefix = options.topicPrefix ?? '';
    const projection = options.projection;
    super({
      kafka: options.kafka,
      topic: topicName(Topic.Keys, prefix),
      groupName: `${prefix}${options.name ?? 'gateway.keys-projection'}`,
      outcomes: ['changed', 'deleted', 'tombstones', 'skipped'],
      maxWaitTimeInMs: options.maxWaitTimeInMs,
      idleCatchUpMs: options.idleCatchUpMs,
      logger: options.logger,
      onTombstone: (key) => {
        if (key) projection.applyTombstone(key);
        return 'tombstones';
      },
      onEvent: (envelope) => {
        switch (envelope.type) {
          case ApiKeyChangedSchema.typeName:
            projection.applyChanged(requirePayload(envelope, ApiKeyChangedSchema));
            return 'changed';
          case ApiKeyDeletedSchema.typeName:
            projection.applyDeleted(requirePayload(envelope, ApiKeyDeletedSchema));
            return 'deleted';
          default:
            return 'skipped';
        }
      },
    });
  }

  /** The same as `caughtUp` (this consumer's first name for it). */
  get isReady(): boolean {
    return this.caughtUp;
  }
}
