import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { type DestinationStream } from 'pino';
import { createValidationPipe, MaasExceptionFilter } from '@maas/errors';
import { HealthModule, kafkaCheck, postgresCheck } from '@maas/health';
import { ObservabilityModule } from '@maas/observability';
import { AccountsModule } from './accounts/accounts.module.js';
import { AgenciesModule } from './agencies/agencies.module.js';
import { AuthorizationsModule } from './authorizations/authorizations.module.js';
import { IamConfigModule } from './common/config.module.js';
import { CoreModule } from './common/core.module.js';
import { type IamConfig } from './config.js';
import { DatabaseModule } from './database/database.module.js';
import { EventsModule } from './events/events.module.js';
import { GroupsModule } from './groups/groups.module.js';
import { PermissionsModule } from './permissions/permissions.module.js';
import { PoliciesModule } from './policies/policies.module.js';
import { AuthModule } from './tokens/auth.module.js';
import { TokensModule } from './tokens/tokens.module.js';
import { UsersModule } from './users/users.module.js';

export interface AppOptions {
  /** Where logs go (default stdout); tests pass a stream to read them. */
  logDestination?: DestinationStream;
}

@Module({})
export class AppModule {
  static forRoot(config: IamConfig, options: AppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        IamConfigModule.forRoot(config),
        ObservabilityModule.forRoot({
          service: 'iam',
          level: config.LOG_LEVEL,
          destination: options.logDestination,
        }),
        DatabaseModule.forRoot(config, { migrate: config.MIGRATIONS_RUN }),
        HealthModule.forRoot({
          checks: [
            postgresCheck(),
            kafkaCheck({ brokers: config.KAFKA_BROKERS, clientId: 'iam-health' }),
          ],
          shutdownDelayMs: config.SHUTDOWN_DELAY_MS,
        }),
        CoreModule,
        EventsModule,
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
      providers: [
        { provide: APP_FILTER, useClass: MaasExceptionFilter },
        { provide: APP_PIPE, useFactory: () => createValidationPipe() },
      ],
    };
  }
}
