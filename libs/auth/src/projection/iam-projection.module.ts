import { type DynamicModule, Inject, Injectable, Module } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { ConsumersLifecycle, KAFKA, type NamedConsumer } from '@maas/nest-events';
import { PERMISSION_SOURCE, TOKEN_VERIFIER } from '../guard/permission-source.js';
import { TokenVerifier } from '../token/token-verifier.js';
import { IamProjection } from './iam-projection.js';

export interface IamProjectionModuleOptions {
  /** The service's configuration: IAM's JWKS, its schema (iam_* tables), its topic prefix. */
  config: {
    readonly IAM_JWKS_URL: string;
    readonly DB_SCHEMA: string;
    readonly KAFKA_TOPIC_PREFIX: string;
  };
  /** The consumer's name: the inbox's consumer column and (prefixed) the Kafka group id. */
  consumerName: string;
  /** Whether this process keeps the projection from maas.iam.v1 (e.g. CONSUMERS_RUN). */
  consume: boolean;
}

export const IAM_PROJECTION_OPTIONS = Symbol('IAM_PROJECTION_OPTIONS');

/**
 * Keeps the IAM projection from maas.iam.v1 while the application runs: started in the
 * background and retried until the topic is there (IAM creates it); stopped, committing its
 * offsets, on shutdown.
 */
@Injectable()
export class IamProjectionConsumer extends ConsumersLifecycle {
  constructor(
    private readonly projection: IamProjection,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(IAM_PROJECTION_OPTIONS) private readonly options: IamProjectionModuleOptions,
  ) {
    super('IamProjection', options.consume);
  }

  protected consumers(): NamedConsumer[] {
    const { consumerName, config } = this.options;
    const consumer = this.projection.consumer({
      kafka: this.kafka,
      name: consumerName,
      topicPrefix: config.KAFKA_TOPIC_PREFIX,
      logger: this.logger,
    });
    return [[consumerName, consumer]];
  }
}

/**
 * What IamGuard needs in a service other than IAM: tokens verified locally against IAM's
 * public keys (fetched from IAM_JWKS_URL and cached), and permissions and projects from the
 * service's own projection of maas.iam.v1 (no call to IAM per request), kept by
 * IamProjectionConsumer. Needs KAFKA (KafkaModule in @maas/nest-events) and the DataSource.
 */
@Module({})
export class IamProjectionModule {
  static forRoot(options: IamProjectionModuleOptions): DynamicModule {
    const { config } = options;
    return {
      module: IamProjectionModule,
      global: true,
      providers: [
        { provide: IAM_PROJECTION_OPTIONS, useValue: options },
        { provide: TOKEN_VERIFIER, useFactory: () => TokenVerifier.remote(config.IAM_JWKS_URL) },
        {
          provide: IamProjection,
          inject: [DataSource],
          useFactory: (dataSource: DataSource) =>
            new IamProjection({ dataSource, schema: config.DB_SCHEMA }),
        },
        { provide: PERMISSION_SOURCE, useExisting: IamProjection },
        IamProjectionConsumer,
      ],
      exports: [TOKEN_VERIFIER, PERMISSION_SOURCE, IamProjection],
    };
  }
}
