import { Inject, Injectable } from '@nestjs/common';
import { type Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { EventConsumer, type EventConsumerOptions } from '@maas/events';
import { KAFKA } from './kafka.module.js';
import { OUTBOX_OPTIONS, type OutboxModuleOptions } from './outbox-options.js';

/**
 * Makes the service's inbox consumers (EventConsumer: an inbox row per event, written in the
 * handler's transaction) on the process's Kafka client, database, schema and topic prefix,
 * so a service names only the consumer and its handlers. Provided by OutboxModule (the inbox
 * lives next to the outbox in the service's schema).
 */
@Injectable()
export class InboxConsumers {
  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    private readonly dataSource: DataSource,
    @Inject(OUTBOX_OPTIONS) private readonly options: OutboxModuleOptions,
  ) {}

  /** A consumer named `name` (the inbox's consumer column; the group id after the prefix). */
  create(
    name: string,
    more: Pick<EventConsumerOptions, 'logger' | 'fromBeginning' | 'backoff'> = {},
  ): EventConsumer {
    return new EventConsumer({
      kafka: this.kafka,
      dataSource: this.dataSource,
      schema: this.options.config.DB_SCHEMA,
      topicPrefix: this.options.config.KAFKA_TOPIC_PREFIX,
      name,
      ...more,
    });
  }
}
