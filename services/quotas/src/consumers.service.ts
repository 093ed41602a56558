import { Inject, Injectable } from '@nestjs/common';
import { type Kafka } from 'kafkajs';
import { ApiKeyChangedSchema, ApiKeyDeletedSchema, ServiceChangedSchema } from '@maas/events';
import { ConsumersLifecycle, InboxConsumers, KAFKA, type NamedConsumer } from '@maas/nest-events';
import { QUOTAS_CONFIG, type QuotasConfig } from './config.js';
import { FreeQuotaTracker } from './free-quota/free-quota.tracker.js';
import { ApplyKeyEvent } from './policies/usecases/apply-key-event.js';
import { ApplyServiceChanged } from './policies/usecases/apply-service-changed.js';
import { UsageLedgerConsumer } from './usage/usage-ledger.consumer.js';
import { UsageRepository } from './usage/usage.repository.js';

/**
 * What the quotas service consumes besides its IAM projection (IamProjectionModule):
 * maas.usage.v1 (the usage ledger, batched, idempotent), maas.deployments.v1 (services' QPS)
 * and maas.keys.v1 (whose key is which; deleted keys' policies). The lifecycle (background
 * start where CONSUMERS_RUN, stop before connections close) is ConsumersLifecycle's.
 */
@Injectable()
export class ConsumersService extends ConsumersLifecycle {
  private ledger?: UsageLedgerConsumer;

  constructor(
    private readonly inbox: InboxConsumers,
    private readonly usage: UsageRepository,
    private readonly freeQuota: FreeQuotaTracker,
    private readonly keyEvents: ApplyKeyEvent,
    private readonly serviceChanged: ApplyServiceChanged,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(QUOTAS_CONFIG) private readonly config: QuotasConfig,
  ) {
    super('Consumers', config.CONSUMERS_RUN);
  }

  /** The usage ledger's counters (tests, metrics). */
  ledgerStats() {
    return this.ledger?.stats();
  }

  protected consumers(): NamedConsumer[] {
    const topicPrefix = this.config.KAFKA_TOPIC_PREFIX;
    const logger = this.logger;
    const inbox = (name: string) => this.inbox.create(name, { logger });
    this.ledger = new UsageLedgerConsumer({
      kafka: this.kafka,
      usage: this.usage,
      freeQuota: this.freeQuota,
      batchSize: this.config.USAGE_BATCH_SIZE,
      topicPrefix,
      logger,
    });
    return [
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
    ];
  }
}
