import { type Kafka } from 'kafkajs';
import { type ClientConfig } from 'pg';
import { type DataSource } from 'typeorm';
import { stderrLogger } from '../logger.js';
import { KafkaOutboxPublisher } from './kafka-outbox-publisher.js';
import { OutboxRelay, type OutboxRelayOptions } from './outbox-relay.js';
import { PgNotifyListener, pgConfigOf } from './pg-notify-listener.js';
import { PgOutboxStore } from './pg-outbox-store.js';
import { outboxChannel } from './schema-name.js';

export interface CreateOutboxRelayOptions extends OutboxRelayOptions {
  dataSource: DataSource;
  /** The service's PostgreSQL schema (the one its OutboxWriter writes to). */
  schema: string;
  kafka: Kafka;
  /** Connection for LISTEN; defaults to the DataSource's settings. `false`: poll only. */
  listen?: ClientConfig | false;
}

/** The relay of one service's outbox: PostgreSQL store, Kafka publisher, LISTEN wake-ups. */
export function createOutboxRelay(options: CreateOutboxRelayOptions): OutboxRelay {
  const logger = options.logger ?? stderrLogger;
  const listen = options.listen ?? pgConfigOf(options.dataSource);
  return new OutboxRelay(
    {
      store: new PgOutboxStore(options.dataSource, options.schema),
      publisher: new KafkaOutboxPublisher(options.kafka, logger),
      wakeUp:
        listen === false
          ? undefined
          : new PgNotifyListener(listen, outboxChannel(options.schema), logger),
    },
    options,
  );
}
