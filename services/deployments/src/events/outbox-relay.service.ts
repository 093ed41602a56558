import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { type Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { createOutboxRelay, ensureTopics, type OutboxRelay } from '@maas/events';
import { DEPLOYMENTS_CONFIG, type DeploymentsConfig } from '../config.js';
import { DEPLOYMENTS_TOPIC } from './deployments-topic.js';
import { eventsLogger } from './events-logger.js';
import { KAFKA } from './kafka.provider.js';
import { retryInBackground } from './retry-in-background.js';

/**
 * Relays the outbox to Kafka while the application runs, and makes sure
 * maas.deployments.v1 exists (in the background: the service starts, and its outbox fills,
 * while Kafka is down). Every replica runs one; the outbox store makes them take turns.
 */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  private relay?: OutboxRelay;
  private readonly stopping = new AbortController();
  private topicsReady?: Promise<void>;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(DEPLOYMENTS_CONFIG) private readonly config: DeploymentsConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.OUTBOX_RELAY) return;
    this.topicsReady = retryInBackground(
      'ensuring maas.deployments.v1',
      () => this.ensureTopic(),
      this.stopping.signal,
      this.logger,
    );
    this.relay = createOutboxRelay({
      dataSource: this.dataSource,
      schema: this.config.DB_SCHEMA,
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

  private async ensureTopic(): Promise<void> {
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      const created = await ensureTopics(admin, [DEPLOYMENTS_TOPIC], {
        prefix: this.config.KAFKA_TOPIC_PREFIX,
        partitions: this.config.KAFKA_TOPIC_PARTITIONS,
        replicationFactor: this.config.KAFKA_REPLICATION_FACTOR,
      });
      if (created.length > 0) this.logger.log({ msg: 'created topics', topics: created });
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}
