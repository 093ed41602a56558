import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import {
  backoffDelay,
  createKafka,
  createOutboxRelay,
  ensureTopics,
  type OutboxRelay,
} from '@maas/events';
import { IAM_CONFIG, type IamConfig } from '../config.js';
import { eventsLogger } from './events-logger.js';
import { IAM_TOPIC } from './iam-topic.js';

/**
 * Relays IAM's outbox to Kafka while the application runs, and makes sure maas.iam.v1
 * exists (retrying in the background: the service starts, and its outbox fills, while Kafka
 * is down). Every replica runs one; the outbox store makes them take turns.
 */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  private relay?: OutboxRelay;
  private readonly stopping = new AbortController();
  private topicsReady?: Promise<void>;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(IAM_CONFIG) private readonly config: IamConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.OUTBOX_RELAY) return;
    const kafka = createKafka({
      brokers: [...this.config.KAFKA_BROKERS],
      clientId: 'iam-outbox',
      logger: eventsLogger('Kafka'),
    });
    this.topicsReady = this.ensureTopic(kafka);
    this.relay = createOutboxRelay({
      dataSource: this.dataSource,
      schema: this.config.DB_SCHEMA,
      kafka,
      logger: eventsLogger('OutboxRelay'),
    });
    await this.relay.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.relay?.stop();
    await this.topicsReady;
  }

  private async ensureTopic(kafka: ReturnType<typeof createKafka>): Promise<void> {
    for (let attempt = 1; !this.stopping.signal.aborted; attempt++) {
      const admin = kafka.admin();
      try {
        await admin.connect();
        const created = await ensureTopics(admin, [IAM_TOPIC], {
          prefix: this.config.KAFKA_TOPIC_PREFIX,
          partitions: this.config.KAFKA_TOPIC_PARTITIONS,
          replicationFactor: this.config.KAFKA_REPLICATION_FACTOR,
        });
        if (created.length > 0) this.logger.log({ msg: 'created topics', topics: created });
        return;
      } catch (error) {
        const retryInMs = backoffDelay(attempt, { minMs: 500, maxMs: 30_000 });
        this.logger.warn({ msg: 'cannot ensure topics; retrying', err: String(error), retryInMs });
        await sleep(retryInMs, undefined, { signal: this.stopping.signal }).catch(() => undefined);
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    }
  }
}
