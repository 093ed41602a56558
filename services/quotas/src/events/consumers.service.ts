import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { type Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { IamProjection } from '@maas/auth';
import {
  ApiKeyChangedSchema,
  ApiKeyDeletedSchema,
  EventConsumer,
  ServiceChangedSchema,
} from '@maas/events';
import { QUOTAS_CONFIG, type QuotasConfig } from '../config.js';
import { FreeQuotaTracker } from '../free-quota/free-quota.tracker.js';
import { ApplyKeyEvent } from '../policies/usecases/apply-key-event.js';
import { ApplyServiceChanged } from '../policies/usecases/apply-service-changed.js';
import { UsageLedgerConsumer } from '../usage/usage-ledger.consumer.js';
import { UsageRepository } from '../usage/usage.repository.js';
import { startWithRetry } from './background.js';
import { eventsLogger } from './events-logger.js';
import { KAFKA } from './kafka.provider.js';

interface Runnable {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * What the quotas service consumes: maas.usage.v1 (the usage ledger, batched, idempotent),
 * maas.deployments.v1 (services' QPS), maas.keys.v1 (whose key is which; deleted keys'
 * policies) and maas.iam.v1 (its IAM projection for IamGuard). Started in the background
 * once the app is up; stopped (offsets committed) on shutdown.
 */
@Injectable()
export class ConsumersService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly stopping = new AbortController();
  private readonly consumers: Runnable[] = [];
  private starting: Promise<unknown> = Promise.resolve();
  private ledger?: UsageLedgerConsumer;

  constructor(
    private readonly dataSource: DataSource,
    private readonly projection: IamProjection,
    private readonly usage: UsageRepository,
    private readonly freeQuota: FreeQuotaTracker,
    private readonly keyEvents: ApplyKeyEvent,
    private readonly serviceChanged: ApplyServiceChanged,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(QUOTAS_CONFIG) private readonly config: QuotasConfig,
  ) {}

  /** The usage ledger's counters (tests, metrics). */
  ledgerStats() {
    return this.ledger?.stats();
  }

  onApplicationBootstrap(): void {
    if (!this.config.CONSUMERS_RUN) return;
    const topicPrefix = this.config.KAFKA_TOPIC_PREFIX;
    const logger = eventsLogger('Consumers');
    const inbox = (name: string) =>
      new EventConsumer({
        kafka: this.kafka,
        dataSource: this.dataSource,
        schema: this.config.DB_SCHEMA,
        name,
        topicPrefix,
        logger,
      });
    this.ledger = new UsageLedgerConsumer({
      kafka: this.kafka,
      usage: this.usage,
      freeQuota: this.freeQuota,
      batchSize: this.config.USAGE_BATCH_SIZE,
      topicPrefix,
      logger,
    });
    const named: [string, Runnable][] = [
      [UsageLedgerConsumer.NAME, this.ledger],
      [
        'quotas.deployments',
        inbox('quotas.deployments').on(ServiceChangedSchema, (e, m) =>
          this.serviceChanged.execute(e, m),
        ),
      ],
      [
        'quotas.keys',
        inbox('quotas.keys')
          .on(ApiKeyChangedSchema, (e, m) => this.keyEvents.changed(e, m))
          .on(ApiKeyDeletedSchema, (e, m) => this.keyEvents.deleted(e, m)),
      ],
      [
        'quotas.iam-projection',
        this.projection.consumer({
          kafka: this.kafka,
          name: 'quotas.iam-projection',
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
