import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { type Kafka } from 'kafkajs';
import { IamProjection } from '@maas/auth';
import { type EventConsumer } from '@maas/events';
import { DEPLOYMENTS_CONFIG, type DeploymentsConfig } from '../config.js';
import { eventsLogger } from './events-logger.js';
import { KAFKA } from './kafka.provider.js';
import { retryInBackground } from './retry-in-background.js';

/** Consumer name: the inbox's consumer column and (with the prefix) the Kafka group id. */
export const IAM_PROJECTION_CONSUMER = 'deployments.iam-projection';

/**
 * Keeps the local IAM projection (permissions, projects, ModelArts authorizations) from
 * maas.iam.v1. Starts in the background and retries until the topic exists (IAM creates
 * it); stops, committing offsets, on shutdown.
 */
@Injectable()
export class IamProjectionConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('IamProjection');
  private readonly stopping = new AbortController();
  private consumer?: EventConsumer;
  private started?: Promise<void>;

  constructor(
    private readonly projection: IamProjection,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(DEPLOYMENTS_CONFIG) private readonly config: DeploymentsConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.CONSUMERS_RUN) return;
    const consumer = this.projection.consumer({
      kafka: this.kafka,
      name: IAM_PROJECTION_CONSUMER,
      topicPrefix: this.config.KAFKA_TOPIC_PREFIX,
      logger: eventsLogger('IamProjection'),
    });
    this.consumer = consumer;
    this.started = retryInBackground(
      'starting the maas.iam.v1 consumer',
      () => consumer.start(),
      this.stopping.signal,
      this.logger,
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.started;
    await this.consumer?.stop();
  }
}
