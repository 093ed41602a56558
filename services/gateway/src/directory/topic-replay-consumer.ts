import { type Kafka } from 'kafkajs';
import {
  type EventsLogger,
  type ReplayedMessage,
  TopicReplayConsumer as Replay,
} from '@maas/events';

/** One Kafka record as a projection sees it; `value` null is a tombstone. */
export type ReplayedRecord = ReplayedMessage;

export interface TopicReplayConsumerOptions {
  kafka: Kafka;
  /** The physical topic name (prefix included). */
  topic: string;
  /**
   * Base of the consumer group id. Every process appends a unique suffix
   * (`<base>.<host>-<pid>-<random>`): each gateway replica must read every partition, so
   * replicas never share a group. Offsets are never committed: every start replays.
   */
  groupId: string;
  /** Applies one record; a record it throws on is logged and skipped (stats().malformed). */
  onRecord: (record: ReplayedRecord) => void;
  /** Longest a fetch waits for new messages (default 100 ms): bounds the change→effect time. */
  maxWaitTimeInMs?: number;
  /** See the `idleCatchUpMs` of @maas/events' TopicReplayConsumer (compacted tails; 2 s). */
  idleCatchUpMs?: number;
  logger?: EventsLogger;
}

/**
 * The gateway's first name for @maas/events' TopicReplayConsumer, with a raw record
 * handler: kept for code written against it. New code uses the one in @maas/events.
 */
export class TopicReplayConsumer extends Replay {
  constructor({ groupId, onRecord, ...options }: TopicReplayConsumerOptions) {
    super({
      ...options,
      groupName: groupId,
      outcomes: [],
      onRecord: (record) => void onRecord(record),
    });
  }
}
