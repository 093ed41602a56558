import { Inject, Injectable } from '@nestjs/common';
import { type Kafka } from 'kafkajs';
import { QuotaLimitsChangedSchema } from '@maas/events';
import { ConsumersLifecycle, InboxConsumers, KAFKA, type NamedConsumer } from '@maas/nest-events';
import { ApiKeysRepository } from './api-keys/api-keys.repository.js';
import { KEYS_CONFIG, type KeysConfig } from './config.js';
import { LastUsedConsumer } from './last-used/last-used.consumer.js';
import { QuotaLimitsRepository } from './quota-limits/quota-limits.repository.js';

/**
 * What the keys service consumes besides its IAM projection (IamProjectionModule):
 * maas.quotas.v1 (the accounts' max API keys) and maas.usage.v1 (keys' last use, batched).
 * The lifecycle (background start where CONSUMERS_RUN, stop before connections close) is
 * ConsumersLifecycle's.
 */
@Injectable()
export class ConsumersService extends ConsumersLifecycle {
  constructor(
    private readonly inbox: InboxConsumers,
    private readonly quotas: QuotaLimitsRepository,
    private readonly keys: ApiKeysRepository,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(KEYS_CONFIG) private readonly config: KeysConfig,
  ) {
    super('Consumers', config.CONSUMERS_RUN);
  }

  protected consumers(): NamedConsumer[] {
    const topicPrefix = this.config.KAFKA_TOPIC_PREFIX;
    const logger = this.logger;
    return [
      [
        'keys.quotas',
        this.inbox
          .create('keys.quotas', { logger })
          .on(QuotaLimitsChangedSchema, (event, manager) =>
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
  }
}
