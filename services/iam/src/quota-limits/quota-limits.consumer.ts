import { Inject, Injectable } from '@nestjs/common';
import { QuotaLimitsChangedSchema } from '@maas/events';
import { ConsumersLifecycle, InboxConsumers, type NamedConsumer } from '@maas/nest-events';
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
    private readonly inbox: InboxConsumers,
    private readonly limits: QuotaLimitsRepository,
    @Inject(IAM_CONFIG) config: IamConfig,
  ) {
    super('QuotaLimits', config.CONSUMERS_RUN);
  }

  protected consumers(): NamedConsumer[] {
    const consumer = this.inbox
      .create(QUOTA_LIMITS_CONSUMER, { logger: this.logger })
      .on(QuotaLimitsChangedSchema, (event, manager) =>
        this.limits.apply(manager, {
          accountId: event.payload.accountId,
          maxAgencies: event.payload.maxAgencies,
          version: event.payload.version,
        }),
      );
    return [[QUOTA_LIMITS_CONSUMER, consumer]];
  }
}
