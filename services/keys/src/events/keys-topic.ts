import { Topic, type TopicSpec } from '@maas/events';

/**
 * maas.keys.v1 is compacted, keyed by key id: the latest message of every key is its state
 * (ApiKeyChanged), so a consumer (every gateway replica) bootstraps by reading it from the
 * beginning. A deleted key's ApiKeyDeleted is followed by a tombstone; compaction keeps the
 * tombstone for delete.retention.ms (1 day), then the key leaves the topic.
 */
export const KEYS_TOPIC: TopicSpec = {
  topic: Topic.Keys,
  configs: { 'cleanup.policy': 'compact', 'delete.retention.ms': '86400000' },
};
