import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { type Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { BackgroundConsumers, EventConsumer, QuotaLimitsChangedSchema } from '@maas/events';
import { eventsLogger, KAFKA } from '@maas/nest-events';
import { ApiKeysRepository } from '../api-keys/api-keys.repository.js';
import { KEYS_CONFIG, type KeysConfig } from '../config.js';
import { LastUsedConsumer } from '../last-used/last-used.consumer.js';
import { QuotaLimitsRepository } from '../quota-limits/quota-limits.repository.js';

/**
 * What the keys service consumes besides its IAM projection (IamProjectionModule):
 * maas.quotas.v1 (the accounts' max API keys) and maas.usage.v1 (keys' last use, batched).
 * Started in the background once the app is up; stopped (offsets committed) on shutdown.
 */
@Injectable()
export class ConsumersService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = eventsLogger('Consumers');
  private readonly consumers = new BackgroundConsumers(this.logger);

  constructor(
    private readonly dataSource: DataSource,
    private readonly quotas: QuotaLimitsRepository,
    private readonly keys: ApiKeysRepository,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(KEYS_CONFIG) private readonly config: KeysConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.CONSUMERS_RUN) return;
    const topicPrefix = this.config.KAFKA_TOPIC_PREFIX;
    const logger = this.logger;
    this.consumers.start([
      [
        'keys.quotas',
        new EventConsumer({
          kafka: this.kafka,
          dataSource: this.dataSource,
          schema: this.config.DB_SCHEMA,
          name: 'keys.quotas',
          topicPrefix,
          logger,
        }).on(QuotaLimitsChangedSchema, (event, manager) =>
          this.quotas.apply(manager, {
            accountId: event.payload.accountId,
            maxApiKeys: event.payload.maxApiKeys,
            version: event.payload.version,
          }),
        ),
      ],
      [
        'keys.last-used',
        new LastUsedConsumer({
          kafka: this.kafka,
          sink: (latest) => this.keys.touchLastUsed(latest),
          topicPrefix,
          logger,
        }),
      ],
    ]);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumers.stop();
  }
}
