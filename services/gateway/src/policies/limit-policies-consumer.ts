import { type Kafka } from 'kafkajs';
import {
  type Envelope,
  type EventsLogger,
  FreeQuotaExhaustedSchema,
  FreeQuotaRestoredSchema,
  RateLimitPolicyRemovedSchema,
  RateLimitPolicySetSchema,
  requirePayload,
  Topic,
  topicName,
  TopicReplayConsumer,
} from '@maas/events';
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
  /** See the `idleCatchUpMs` of @maas/events' TopicReplayConsumer (compacted tails; 2 s). */
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

type Outcome = Exclude<keyof LimitPoliciesStats, 'malformed'>;

/**
 * Keeps LimitPolicies from maas.quotas.v1 (compacted: the latest message per aggregate is
 * its state) by replaying it from the beginning with a consumer group of this process alone
 * (every replica needs every partition; TopicReplayConsumer of @maas/events);
 * QuotaLimitsChanged is not the gateway's concern and is skipped. `caughtUp` is true (and
 * `ready` resolves) once the history present at start has been applied; `stats()` counts
 * LimitPoliciesStats.
 */
export class LimitPoliciesConsumer extends TopicReplayConsumer<Outcome> {
  constructor(options: LimitPoliciesConsumerOptions) {
    const prefix = options.topicPrefix ?? '';
    const policies = options.policies;
    super({
      kafka: options.kafka,
      topic: topicName(Topic.Quotas, prefix),
      groupName: `${prefix}${options.groupId ?? 'gateway.limit-policies'}`,
      outcomes: ['policySet', 'policyRemoved', 'tombstones', 'freeQuota', 'ignored'],
      maxWaitTimeInMs: options.maxWaitTimeInMs,
      idleCatchUpMs: options.idleCatchUpMs,
      logger: options.logger,
      onTombstone: (key) => {
        if (key) policies.applyTombstone(key);
        return 'tombstones';
      },
      onEvent: (envelope) => applyEvent(policies, envelope),
    });
  }
}

function applyEvent(policies: LimitPolicies, envelope: Envelope): Outcome {
  switch (envelope.type) {
    case RateLimitPolicySetSchema.typeName:
      policies.applyPolicySet(requirePayload(envelope, RateLimitPolicySetSchema));
      return 'policySet';
    case RateLimitPolicyRemovedSchema.typeName:
      policies.applyPolicyRemoved(requirePayload(envelope, RateLimitPolicyRemovedSchema));
      return 'policyRemoved';
    case FreeQuotaExhaustedSchema.typeName:
      policies.applyFreeQuotaExhausted(requirePayload(envelope, FreeQuotaExhaustedSchema));
      return 'freeQuota';
    case FreeQuotaRestoredSchema.typeName:
      policies.applyFreeQuotaRestored(requirePayload(envelope, FreeQuotaRestoredSchema));
      return 'freeQuota';
    default:
      return 'ignored';
  }
}
