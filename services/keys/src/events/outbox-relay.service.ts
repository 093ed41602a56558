import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { backoffDelay, createOutboxRelay, ensureTopics, type OutboxRelay } from '@maas/events';
import { KEYS_CONFIG, type KeysConfig } from '../config.js';
import { eventsLogger } from './events-logger.js';
import { KAFKA } from './kafka.provider.js';
import { KEYS_TOPIC } from './keys-topic.js';

/**
 * Relays the outbox to Kafka while the application runs, and makes sure maas.keys.v1 exists,
 * compacted (retrying in the background: the service starts, and its outbox fills, while
 * Kafka is down). Every replica runs one; the outbox store makes them take turns.
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
    @Inject(KEYS_CONFIG) private readonly config: KeysConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.OUTBOX_RELAY) return;
    this.topicsReady = this.ensureTopic();
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
    for (let attempt = 1; !this.stopping.signal.aborted; attempt++) {
      const admin = this.kafka.admin();
      try {
        await admin.connect();
        const created = await ensureTopics(admin, [KEYS_TOPIC], {
          prefix: this.config.KAFKA_TOPIC_PREFIX,
          partitions: this.config.KAFKA_TOPIC_PARTITIONS,
          replicationFactor: this.config.KAFKA_REPLICATION_FACTOR,
        });
        if (created.length > 0) this.logger.log({ msg: 'created topics', topics: created });
        return;
      } catch (error) {
        const retryInMs = backoffDelay(attempt, { minMs: 500, maxMs: 30_000 });
        this.logger.warn({
          msg: 'cannot ensure topics; retrying',
          error: String(error),
          retryInMs,
        });
        await sleep(retryInMs, undefined, { signal: this.stopping.signal }).catch(() => undefined);
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    }
  }
}
