import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { type Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { IamProjection } from '@maas/auth';
import { EventConsumer, QuotaLimitsChangedSchema } from '@maas/events';
import { ApiKeysRepository } from '../api-keys/api-keys.repository.js';
import { KEYS_CONFIG, type KeysConfig } from '../config.js';
import { LastUsedConsumer } from '../last-used/last-used.consumer.js';
import { QuotaLimitsRepository } from '../quota-limits/quota-limits.repository.js';
import { startWithRetry } from './background.js';
import { eventsLogger } from './events-logger.js';
import { KAFKA } from './kafka.provider.js';

/** Stoppable consumers this service runs. */
interface Runnable {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * What the keys service consumes: maas.iam.v1 (its IAM projection: permissions and projects,
 * for IamGuard and the project's region), maas.quotas.v1 (the accounts' max API keys) and
 * maas.usage.v1 (keys' last use, batched). Started in the background once the app is up;
 * stopped (offsets committed) on shutdown.
 */
@Injectable()
export class ConsumersService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly stopping = new AbortController();
  private readonly consumers: Runnable[] = [];
  private starting: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    private readonly projection: IamProjection,
    private readonly quotas: QuotaLimitsRepository,
    private readonly keys: ApiKeysRepository,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(KEYS_CONFIG) private readonly config: KeysConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.CONSUMERS_RUN) return;
    const topicPrefix = this.config.KAFKA_TOPIC_PREFIX;
    const logger = eventsLogger('Consumers');
    const named: [string, Runnable][] = [
      [
        'keys.iam-projection',
        this.projection.consumer({
          kafka: this.kafka,
          name: 'keys.iam-projection',
          topicPrefix,
          logger,
        }),
      ],
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
    ];
    this.consumers.push(...named.map(([, c]) => c));
    this.starting = Promise.all(
      named.map(([name, c]) => startWithRetry(name, () => c.start(), this.stopping.signal, logger)),
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.starting;
    await Promise.allSettled(this.consumers.map((c) => c.stop()));
  }
}
