import { Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { IamProjection, PERMISSION_SOURCE, TOKEN_VERIFIER, TokenVerifier } from '@maas/auth';
import { OutboxWriter } from '@maas/events';
import { DEPLOYMENTS_CONFIG, type DeploymentsConfig } from '../config.js';
import { IamProjectionConsumer } from './iam-projection.service.js';
import { KAFKA, kafkaProvider } from './kafka.provider.js';
import { OutboxRelayService } from './outbox-relay.service.js';

/**
 * Kafka in and out: the outbox writer every change uses and its relay to
 * maas.deployments.v1; the IAM projection from maas.iam.v1, which is also the guard's
 * PermissionSource; and the token verifier (IAM's public keys from IAM_JWKS_URL).
 */
@Global()
@Module({
  providers: [
    kafkaProvider,
    {
      provide: OutboxWriter,
      inject: [DEPLOYMENTS_CONFIG],
      useFactory: (config: DeploymentsConfig) =>
        new OutboxWriter({ schema: config.DB_SCHEMA, topicPrefix: config.KAFKA_TOPIC_PREFIX }),
    },
    {
      provide: IamProjection,
      inject: [DataSource, DEPLOYMENTS_CONFIG],
      useFactory: (dataSource: DataSource, config: DeploymentsConfig) =>
        new IamProjection({ dataSource, schema: config.DB_SCHEMA }),
    },
    { provide: PERMISSION_SOURCE, useExisting: IamProjection },
    {
      provide: TOKEN_VERIFIER,
      inject: [DEPLOYMENTS_CONFIG],
      useFactory: (config: DeploymentsConfig) => TokenVerifier.remote(config.IAM_JWKS_URL),
    },
    OutboxRelayService,
    IamProjectionConsumer,
  ],
  exports: [KAFKA, OutboxWriter, IamProjection, PERMISSION_SOURCE, TOKEN_VERIFIER],
})
export class EventsModule {}
