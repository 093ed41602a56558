import { type DynamicModule, Module } from '@nestjs/common';
import { type AppOptions, errorHandlingProviders, ServiceConfigModule } from '@maas/app';
import { IamProjectionModule, OperatorAuthModule } from '@maas/auth';
import { DatabaseModule } from '@maas/database';
import { HealthModule, kafkaCheck, postgresCheck } from '@maas/health';
import { KafkaModule, OutboxModule } from '@maas/nest-events';
import { ObservabilityModule } from '@maas/observability';
import { ApiKeysModule } from './api-keys/api-keys.module.js';
import { CoreModule } from './core.module.js';
import { KEYS_CONFIG, type KeysConfig } from './config.js';
import { dataSourceOptions } from './database/data-source.js';
import { ConsumersService } from './consumers.service.js';
import { KEYS_TOPIC } from './events/keys-topic.js';

@Module({})
export class AppModule {
  static forRoot(config: KeysConfig, options: AppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceConfigModule.forRoot(KEYS_CONFIG, config),
        ObservabilityModule.forRoot({
          service: 'keys',
          level: config.LOG_LEVEL,
          destination: options.logDestination,
        }),
        DatabaseModule.forRoot({
          dataSource: dataSourceOptions(config),
          migrate: config.MIGRATIONS_RUN,
        }),
        HealthModule.forRoot({
          // Readiness needs the database only; Kafka shows on /health and in metrics (the
          // outbox keeps events through an outage), never taking replicas out (SPEC §10).
          checks: [
            postgresCheck(),
            kafkaCheck({ brokers: config.KAFKA_BROKERS, clientId: 'keys-health' }),
          ],
          shutdownDelayMs: config.SHUTDOWN_DELAY_MS,
        }),
        KafkaModule.forRoot({ config, clientId: 'keys' }),
        OutboxModule.forRoot({ config, topics: [KEYS_TOPIC] }),
        IamProjectionModule.forRoot({
          config,
          consumerName: 'keys.iam-projection',
          consume: config.CONSUMERS_RUN,
        }),
        OperatorAuthModule.forRoot({ token: config.OPERATOR_TOKEN }),
        CoreModule,
        ApiKeysModule,
      ],
      providers: [ConsumersService, ...errorHandlingProviders()],
    };
  }
}
