import { Inject, Injectable } from '@nestjs/common';
import { type Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { EventConsumer, QuotaLimitsChangedSchema } from '@maas/events';
import { ConsumersLifecycle, KAFKA, type NamedConsumer } from '@maas/nest-events';
import { IAM_CONFIG, type IamConfig } from '../config.js';
import { QuotaLimitsRepository } from './quota-limits.repository.js';

/** The inbox consumer's name (and, with the topic prefix, its Kafka group id). */
export const QUOTA_LIMITS_CONSUMER = 'iam.quotas';

/**
 * Keeps IAM's projection of the accounts' limits from maas.quotas.v1 (QuotaLimitsChanged),
 * idempotently (inbox) and in version order. Started in the background once the app is up
 * (IAM serves meanwhile with what it has, else the default); stopped on shutdown.
 */
@Injectable()
export class QuotaLimitsConsumer extends ConsumersLifecycle {
  constructor(
    private readonly dataSource: DataSource,
    private readonly limits: QuotaLimitsRepository,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(IAM_CONFIG) private readonly config: IamConfig,
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
      this.limits.apply(manager, {
        accountId: event.payload.accountId,
        maxAgencies: event.payload.maxAgencies,
        version: event.payload.version,
      }),
    );
    return [[QUOTA_LIMITS_CONSUMER, consumer]];
  }
}
