import { Inject, Injectable } from '@nestjs/common';
import { type Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { EventConsumer, QuotaLimitsChangedSchema } from '@maas/events';
import { ConsumersLifecycle, KAFKA, type NamedConsumer } from '@maas/nest-events';
import { DEPLOYMENTS_CONFIG, type DeploymentsConfig } from '../config.js';
import { QuotaLimitsRepository } from './quota-limits.repository.js';

/** The inbox consumer's name (and, with the topic prefix, its Kafka group id). */
export const QUOTA_LIMITS_CONSUMER = 'deployments.quotas';

/**
 * Keeps the projection of the accounts' NPU limits from maas.quotas.v1 (QuotaLimitsChanged),
 * idempotently (inbox) and in version order. Started in the background once the app is up
 * (admission uses the default meanwhile); stopped on shutdown. Runs where CONSUMERS_RUN is.
 */
@Injectable()
export class QuotaLimitsConsumer extends ConsumersLifecycle {
  constructor(
    private readonly dataSource: DataSource,
    private readonly limits: QuotaLimitsRepository,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(DEPLOYMENTS_CONFIG) private readonly config: DeploymentsConfig,
  ) {
    super('QuotaLimits', config.CONSUMERS_RUN);
  }

  protected consumers(): NamedConsumer[] {
    const consumer = new EventConsumer({
      kafka: this.kafka,
      dataSource: this.dataSource,
      schema: this.config.DB_SCHEMA,
      name: QUOTA_LIMITS_CONSUMER,
      topicPrefix: this.config.KAFKA_TOPIC_PREFIX,
      logger: this.logger,
    }).on(QuotaLimitsChangedSchema, (event, manager) =>
      this.limits.apply(
        manager,
        event.payload.accountId,
        { defaultPoolNpus: event.payload.defaultPoolNpus, poolNpus: event.payload.poolNpus },
        event.payload.version,
      ),
    );
    return [[QUOTA_LIMITS_CONSUMER, consumer]];
  }
}
