import { type DynamicModule, Module } from '@nestjs/common';
import { type AppOptions, errorHandlingProviders, ServiceConfigModule } from '@maas/app';
import { OperatorAuthModule } from '@maas/auth';
import { DatabaseModule } from '@maas/database';
import { HealthModule, kafkaCheck, postgresCheck } from '@maas/health';
import { KafkaModule, OutboxModule } from '@maas/nest-events';
import { ObservabilityModule } from '@maas/observability';
import { AccountsModule } from './accounts/accounts.module.js';
import { AgenciesModule } from './agencies/agencies.module.js';
import { AuthorizationsModule } from './authorizations/authorizations.module.js';
import { CoreModule } from './core.module.js';
import { IAM_CONFIG, type IamConfig } from './config.js';
import { dataSourceOptions } from './database/data-source.js';
import { prepareDatabase } from './database/prepare-database.js';
import { IAM_TOPIC } from './events/iam-topic.js';
import { GroupsModule } from './groups/groups.module.js';
import { PermissionsModule } from './permissions/permissions.module.js';
import { PoliciesModule } from './policies/policies.module.js';
import { QuotaLimitsModule } from './quota-limits/quota-limits.module.js';
import { AuthModule } from './tokens/auth.module.js';
import { TokensModule } from './tokens/tokens.module.js';
import { UsersModule } from './users/users.module.js';

@Module({})
export class AppModule {
  static forRoot(config: IamConfig, options: AppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceConfigModule.forRoot(IAM_CONFIG, config),
        ObservabilityModule.forRoot({
          service: 'iam',
          level: config.LOG_LEVEL,
          destination: options.logDestination,
        }),
        DatabaseModule.forRoot({
          dataSource: dataSourceOptions(config),
          migrate: config.MIGRATIONS_RUN,
          prepare: prepareDatabase,
        }),
        HealthModule.forRoot({
          // Readiness needs the database only; Kafka shows on /health and in metrics (the
          // outbox keeps events through an outage), never taking replicas out (SPEC §10).
          checks: [
            postgresCheck(),
            kafkaCheck({ brokers: config.KAFKA_BROKERS, clientId: 'iam-health' }),
          ],
          shutdownDelayMs: config.SHUTDOWN_DELAY_MS,
        }),
        KafkaModule.forRoot({ config, clientId: 'iam-outbox' }),
        OutboxModule.forRoot({ config, topics: [IAM_TOPIC] }),
        OperatorAuthModule.forRoot({
          token: config.OPERATOR_TOKEN,
          disabledHint: 'create accounts with the bootstrap command',
        }),
        CoreModule,
        QuotaLimitsModule,
        AuthModule,
        AccountsModule,
        UsersModule,
        GroupsModule,
        PoliciesModule,
        AgenciesModule,
        AuthorizationsModule,
        TokensModule,
        PermissionsModule,
      ],
      providers: errorHandlingProviders(),
    };
  }
}
