import { type TopicSpec } from '@maas/events';

/** What the outbox needs of the service's configuration (see @maas/config's fragments). */
export interface OutboxConfig {
  readonly DB_SCHEMA: string;
  readonly KAFKA_TOPIC_PREFIX: string;
  readonly KAFKA_TOPIC_PARTITIONS: number;
  readonly KAFKA_REPLICATION_FACTOR: number;
  readonly OUTBOX_RELAY: boolean;
}

export interface OutboxModuleOptions {
  config: OutboxConfig;
  /** The topics the service publishes to, created at start when missing. */
  topics: readonly TopicSpec[];
}

export const OUTBOX_OPTIONS = Symbol('OUTBOX_OPTIONS');
