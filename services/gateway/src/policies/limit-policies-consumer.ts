import { type Kafka } from 'kafkajs';
import {
  decodeEnvelope,
  type EventsLogger,
  FreeQuotaExhaustedSchema,
  FreeQuotaRestoredSchema,
  RateLimitPolicyRemovedSchema,
  RateLimitPolicySetSchema,
  stderrLogger,
  Topic,
  topicName,
  unpackPayload,
} from '@maas/events';
import { type ReplayedRecord, TopicReplayConsumer } from '../directory/topic-replay-consumer.js';
import { type LimitPolicies } from './limit-policies.js';

export interface LimitPoliciesConsumerOptions {
  kafka: Kafka;
  policies: LimitPolicies;
  /** Prepended to the topic name (KAFKA_TOPIC_PREFIX; test runs). */
  topicPrefix?: string;
  /** Base of this process's own consumer group id (default "gateway.limit-policies"). */
  groupId?: string;
  /** Longest a fetch waits (default 100 ms): bounds how soon a new limit applies. */
  maxWaitTimeInMs?: number;
  /** See TopicReplayConsumerOptions.idleCatchUpMs (compacted tails; default 2 s). */
  idleCatchUpMs?: number;
  logger?: EventsLogger;
}

export interface LimitPoliciesStats {
  policySet: number;
  policyRemoved: number;
  tombstones: number;
  freeQuota: number;
  ignored: number;
  malformed: number;
}

/**
 * Keeps LimitPolicies from maas.quotas.v1 (compacted: the latest message per aggregate is
 * its state) by replaying it from the beginning with a consumer group of this process alone
 * (every replica needs every partition); QuotaLimitsChanged is not the gateway's concern and
 * is skipped. `caughtUp` is true once the history present at start has been applied.
 */
export class LimitPoliciesConsumer {
  private readonly replay: TopicReplayConsumer;
  private readonly logger: EventsLogger;
  private readonly counters: LimitPoliciesStats = {
    policySet: 0,
    policyRemoved: 0,
    tombstones: 0,
    freeQuota: 0,
    ignored: 0,
    malformed: 0,
  };

  constructor(private readonly options: LimitPoliciesConsumerOptions) {
    const prefix = options.topicPrefix ?? '';
    this.logger = options.logger ?? stderrLogger;
    this.replay = new TopicReplayConsumer({
      kafka: options.kafka,
      topic: topicName(Topic.Quotas, prefix),
      groupId: `${prefix}${options.groupId ?? 'gateway.limit-policies'}`,
      maxWaitTimeInMs: options.maxWaitTimeInMs,
      idleCatchUpMs: options.idleCatchUpMs,
      logger: this.logger,
      onRecord: (record) => this.apply(record),
    });
  }

  get caughtUp(): boolean {
    return this.replay.caughtUp;
  }

  /** Resolves once caught up (never rejects; pair it with a timeout where needed). */
  get ready(): Promise<void> {
    return this.replay.ready;
  }

  get groupId(): string {
    return this.replay.groupId;
  }

  stats(): LimitPoliciesStats {
    return { ...this.counters };
  }

  start(): Promise<void> {
    return this.replay.start();
  }

  stop(): Promise<void> {
    return this.replay.stop();
  }

  private apply({ key, value, partition, offset }: ReplayedRecord): void {
    if (value === null) {
      this.counters.tombstones += 1;
      if (key) this.options.policies.applyTombstone(key);
      return;
    }
    try {
      this.applyEvent(value);
    } catch (error) {
      this.counters.malformed += 1;
      this.logger.error(
        {
          topic: this.replay.topic,
          partition,
          offset,
          err: error instanceof Error ? error.message : String(error),
        },
        'skipping a malformed maas.quotas.v1 message',
      );
    }
  }

  private applyEvent(value: Buffer): void {
    const envelope = decodeEnvelope(value);
    const policies = this.options.policies;
    switch (envelope.type) {
      case RateLimitPolicySetSchema.typeName:
        policies.applyPolicySet(need(unpackPayload(envelope, RateLimitPolicySetSchema)));
        this.counters.policySet += 1;
        return;
      case RateLimitPolicyRemovedSchema.typeName:
        policies.applyPolicyRemoved(need(unpackPayload(envelope, RateLimitPolicyRemovedSchema)));
        this.counters.policyRemoved += 1;
        return;
      case FreeQuotaExhaustedSchema.typeName:
        policies.applyFreeQuotaExhausted(need(unpackPayload(envelope, FreeQuotaExhaustedSchema)));
        this.counters.freeQuota += 1;
        return;
      case FreeQuotaRestoredSchema.typeName:
        policies.applyFreeQuotaRestored(need(unpackPayload(envelope, FreeQuotaRestoredSchema)));
        this.counters.freeQuota += 1;
        return;
      default:
        this.counters.ignored += 1;
    }
  }
}

function need<T>(payload: T | undefined): T {
  if (payload === undefined) throw new Error('the payload does not match the envelope type');
  return payload;
}
