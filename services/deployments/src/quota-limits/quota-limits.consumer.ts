import { Inject, Injectable } from '@nestjs/common';
import { QuotaLimitsChangedSchema } from '@maas/events';
import { ConsumersLifecycle, InboxConsumers, type NamedConsumer } from '@maas/nest-events';
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
    private readonly inbox: InboxConsumers,
    private readonly limits: QuotaLimitsRepository,
    @Inject(DEPLOYMENTS_CONFIG) config: DeploymentsConfig,
  ) {
    super('QuotaLimits', config.CONSUMERS_RUN);
  }

  protected consumers(): NamedConsumer[] {
    const consumer = this.inbox
      .create(QUOTA_LIMITS_CONSUMER, { logger: this.logger })
      .on(QuotaLimitsChangedSchema, (event, manager) =>
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
