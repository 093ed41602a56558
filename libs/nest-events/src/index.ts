// @maas/nest-events: @maas/events wired into a NestJS service — the kafkajs client, the
// outbox (writer, and relay with topic creation) tied to the application's lifecycle, and
// the events lib's logging through the app logger. @maas/events itself stays free of Nest.
export { ConsumersLifecycle, type NamedConsumer } from './consumers-lifecycle.js';
export { eventsLogger } from './events-logger.js';
export { InboxConsumers } from './inbox-consumers.js';
export { KAFKA, KafkaModule, type KafkaModuleOptions } from './kafka.module.js';
export {
  ensureServiceTopics,
  type OutboxConfig,
  OutboxModule,
  type OutboxModuleOptions,
  OutboxRelayService,
} from './outbox.module.js';
