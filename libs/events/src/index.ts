// @maas/events: the event envelope and generated protobuf types, topics, the transactional
// outbox (writer + relay), the idempotent consumer (inbox), a direct producer, and the
// replaying consumer behind in-memory projections.

// Generated protobuf types (proto/ → bash proto/generate.sh).
export * from './gen/maas/events/v1/envelope_pb.js';
export * from './gen/maas/iam/v1/iam_pb.js';
export * from './gen/maas/deployments/v1/deployments_pb.js';
export * from './gen/maas/keys/v1/keys_pb.js';
export * from './gen/maas/quotas/v1/quotas_pb.js';
export * from './gen/maas/usage/v1/usage_pb.js';

export { ALL_TOPICS, isTopic, Topic, topicName, topicOf } from './topics.js';
export { eventRegistry } from './registry.js';
export {
  buildEvent,
  decodeEnvelope,
  encodeEnvelope,
  isUuid,
  parseEvent,
  requirePayload,
  toDecodedEvent,
  unpackPayload,
  type BuiltEvent,
  type DecodedEvent,
  type EventInput,
} from './envelope.js';
export { stderrLogger, type EventsLogger } from './logger.js';
export { backoffDelay, type BackoffOptions } from './backoff.js';
export {
  BackgroundConsumers,
  retryInBackground,
  type RetryInBackgroundOptions,
  type Startable,
} from './background.js';

export { createIdempotentProducer, createKafka, type KafkaClientOptions } from './kafka/kafka.js';
export { ensureTopics, type EnsureTopicsOptions, type TopicSpec } from './kafka/topics-admin.js';
export { EventProducer, type EventProducerOptions } from './kafka/event-producer.js';
export { ReplaceableProducer } from './kafka/replaceable-producer.js';
export { deleteGroupsQuietly, runConsumer } from './kafka/consumer-run.js';
export {
  BatchTopicConsumer,
  type BatchTopicConsumerOptions,
} from './kafka/batch-topic-consumer.js';
export {
  kafkaSession,
  RestartingConsumer,
  type ConsumerSession,
  type OpenSession,
  type RestartingConsumerOptions,
} from './kafka/restarting-consumer.js';

export {
  inboxEntity,
  outboxEntity,
  outboxMigration,
  type InboxRow,
  type OutboxMigrationSql,
  type OutboxRow,
} from './outbox/outbox.schema.js';
export { assertSchemaName, outboxChannel } from './outbox/schema-name.js';
export { OutboxWriter, type OutboxWriterOptions } from './outbox/outbox-writer.js';
export {
  OutboxRelay,
  type OutboxRelayDeps,
  type OutboxRelayOptions,
  type OutboxRelayStats,
} from './outbox/outbox-relay.js';
export type {
  OutboxPublisher,
  OutboxRecord,
  OutboxStore,
  WakeUpSource,
} from './outbox/relay-ports.js';
export { PgOutboxStore } from './outbox/pg-outbox-store.js';
export { KafkaOutboxPublisher } from './outbox/kafka-outbox-publisher.js';
export { PgNotifyListener, pgConfigOf } from './outbox/pg-notify-listener.js';
export { createOutboxRelay, type CreateOutboxRelayOptions } from './outbox/create-outbox-relay.js';

export {
  EventConsumer,
  type ConsumedEvent,
  type EventConsumerOptions,
  type EventConsumerStats,
  type EventHandler,
} from './inbox/event-consumer.js';

export {
  TopicReplayConsumer,
  type ReplayedMessage,
  type ReplayEventOptions,
  type ReplayHandler,
  type ReplayRecordOptions,
  type ReplayStats,
  type TopicReplayOptions,
} from './replay/topic-replay-consumer.js';
