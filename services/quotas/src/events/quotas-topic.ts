import { Topic, type TopicSpec } from '@maas/events';

/**
 * maas.quotas.v1 is compacted: every aggregate's latest message is its state (an account's
 * QuotaLimitsChanged, a policy's RateLimitPolicySet, a project-and-model's FreeQuota…), so
 * a consumer (the gateway, keys, deployments) bootstraps by reading it from the beginning.
 * A removed policy's RateLimitPolicyRemoved is followed by a tombstone.
 */
export const QUOTAS_TOPIC: TopicSpec = {
  topic: Topic.Quotas,
  configs: { 'cleanup.policy': 'compact', 'delete.retention.ms': '86400000' },
};
