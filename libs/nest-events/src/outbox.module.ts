import {
  type BeforeApplicationShutdown,
  type DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { type Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import {
  createOutboxRelay,
  ensureTopics,
  type OutboxRelay,
  OutboxWriter,
  retryInBackground,
} from '@maas/events';
import { eventsLogger } from './events-logger.js';
import { InboxConsumers } from './inbox-consumers.js';
import { KAFKA } from './kafka.module.js';
import { OUTBOX_OPTIONS, type OutboxModuleOptions } from './outbox-options.js';

export { type OutboxConfig, OUTBOX_OPTIONS, type OutboxModuleOptions } from './outbox-options.js';

/** Creates the service's topics that do not exist yet; returns the names it created. */
export async function ensureServiceTopics(
  kafka: Kafka,
  { config, topics }: OutboxModuleOptions,
): Promise<string[]> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    return await ensureTopics(admin, topics, {
      prefix: config.KAFKA_TOPIC_PREFIX,
      partitions: config.KAFKA_TOPIC_PARTITIONS,
      replicationFactor: config.KAFKA_REPLICATION_FACTOR,
    });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Relays the outbox to Kafka while the application runs (with OUTBOX_RELAY), and makes sure
 * the service's topics exist, retrying in the background: the service starts, and its
 * outbox fills, while Kafka is down. Every replica runs one; the outbox store makes them
 * take turns.
 */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  private readonly stopping = new AbortController();
  private relay?: OutboxRelay;
  private topicsReady?: Promise<unknown>;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(OUTBOX_OPTIONS) private readonly options: OutboxModuleOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.options.config.OUTBOX_RELAY) return;
    this.topicsReady = retryInBackground(() => this.ensureTopics(), {
      signal: this.stopping.signal,
      onFailure: (error, retryInMs) =>
        this.logger.warn({ msg: 'cannot ensure topics; retrying', err: error, retryInMs }),
    });
    this.relay = createOutboxRelay({
      dataSource: this.dataSource,
      schema: this.options.config.DB_SCHEMA,
      kafka: this.kafka,
      logger: eventsLogger('OutboxRelay'),
    });
    await this.relay.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.relay?.stop();
    await this.topicsReady;
  }

  private async ensureTopics(): Promise<void> {
    const created = await ensureServiceTopics(this.kafka, this.options);
    if (created.length > 0) this.logger.log({ msg: 'created topics', topics: created });
  }
}

/**
 * The transactional outbox of a service: the OutboxWriter every change appends its events
 * with (injectable everywhere), and the relay that publishes them. Needs KAFKA (KafkaModule)
 * and the DataSource.
 */
@Module({})
export class OutboxModule {
  static forRoot(options: OutboxModuleOptions): DynamicModule {
    const { config } = options;
    return {
      module: OutboxModule,
      global: true,
      providers: [
        { provide: OUTBOX_OPTIONS, useValue: options },
        {
          provide: OutboxWriter,
          useFactory: () =>
            new OutboxWriter({ schema: config.DB_SCHEMA, topicPrefix: config.KAFKA_TOPIC_PREFIX }),
        },
        OutboxRelayService,
        InboxConsumers,
      ],
      exports: [OutboxWriter, InboxConsumers],
    };
  }
}
