import { type DynamicModule, Module } from '@nestjs/common';
import { type AppOptions, errorHandlingProviders, ServiceConfigModule } from '@maas/app';
import { IamProjectionModule, OperatorAuthModule } from '@maas/auth';
import { DatabaseModule } from '@maas/database';
import { HealthModule, kafkaCheck, postgresCheck } from '@maas/health';
import { KafkaModule, OutboxModule } from '@maas/nest-events';
import { ObservabilityModule } from '@maas/observability';
import { CoreModule } from './core.module.js';
import { QUOTAS_CONFIG, type QuotasConfig } from './config.js';
import { dataSourceOptions } from './database/data-source.js';
import { ConsumersService } from './consumers.service.js';
import { QUOTAS_TOPIC } from './events/quotas-topic.js';
import { QuotasModule } from './limits/quotas.module.js';
import { PoliciesModule } from './policies/policies.module.js';
import { UsageModule } from './usage/usage.module.js';

@Module({})
export class AppModule {
  static forRoot(config: QuotasConfig, options: AppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceConfigModule.forRoot(QUOTAS_CONFIG, config),
        ObservabilityModule.forRoot({
          service: 'quotas',
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
            kafkaCheck({ brokers: config.KAFKA_BROKERS, clientId: 'quotas-health' }),
          ],
          shutdownDelayMs: config.SHUTDOWN_DELAY_MS,
        }),
        KafkaModule.forRoot({ config, clientId: 'quotas' }),
        OutboxModule.forRoot({ config, topics: [QUOTAS_TOPIC] }),
        IamProjectionModule.forRoot({
          config,
          consumerName: 'quotas.iam-projection',
          consume: config.CONSUMERS_RUN,
        }),
        OperatorAuthModule.forRoot({ token: config.OPERATOR_TOKEN }),
        CoreModule,
        QuotasModule,
        PoliciesModule,
        UsageModule,
      ],
      providers: [ConsumersService, ...errorHandlingProviders()],
    };
  }
}
