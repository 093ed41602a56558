import { type Admin, type ITopicConfig } from 'kafkajs';
import { topicName, type Topic } from '../topics.js';

export interface TopicSpec {
  topic: Topic;
  /** Overrides the default partition count for this topic. */
  partitions?: number;
  /** Topic configs for this topic, e.g. { 'cleanup.policy': 'compact' }; merged over the defaults. */
  configs?: Record<string, string>;
}

export interface EnsureTopicsOptions {
  /** Default 3. */
  partitions?: number;
  /** Default 1 (the local stack); production sets 3. */
  replicationFactor?: number;
  /** Configs applied to every created topic. */
  configs?: Record<string, string>;
  /** Prepended to every topic name (see topicName). */
  prefix?: string;
}

/**
 * Creates the topics that do not exist yet (the brokers do not auto-create topics) and
 * waits for their leaders. Idempotent; existing topics are left as they are (their
 * partitions and configs are not changed). Returns the names it created.
 */
export async function ensureTopics(
  admin: Admin,
  topics: readonly (Topic | TopicSpec)[],
  options: EnsureTopicsOptions = {},
): Promise<string[]> {
  const { partitions = 3, replicationFactor = 1, configs = {}, prefix = '' } = options;
  const existing = new Set(await admin.listTopics());
  const missing: ITopicConfig[] = topics
    .map((t) => (typeof t === 'string' ? { topic: t } : t))
    .filter((spec) => !existing.has(topicName(spec.topic, prefix)))
    .map((spec) => ({
      topic: topicName(spec.topic, prefix),
      numPartitions: spec.partitions ?? partitions,
      replicationFactor,
      configEntries: Object.entries({ ...configs, ...spec.configs }).map(([name, value]) => ({
        name,
        value,
      })),
    }));
  if (missing.length === 0) return [];
  try {
    await admin.createTopics({ topics: missing, waitForLeaders: true });
  } catch (error) {
    // Another process created some of them first; anything else is a real failure.
    if (!isOnlyTopicExists(error)) throw error;
  }
  return missing.map((t) => t.topic);
}

function isOnlyTopicExists(error: unknown): boolean {
  const errors = (error as { errors?: { type?: string }[] } | null)?.errors;
  if (Array.isArray(errors) && errors.length > 0)
    return errors.every((e) => e.type === 'TOPIC_ALREADY_EXISTS');
  return (error as { type?: string } | null)?.type === 'TOPIC_ALREADY_EXISTS';
}
