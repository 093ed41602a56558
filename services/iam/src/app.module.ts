import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { createValidationPipe, MaasExceptionFilter } from '@maas/errors';
import { HealthModule, kafkaCheck, postgresCheck } from '@maas/health';
import { ObservabilityModule } from '@maas/observability';
import { AccountsModule } from './accounts/accounts.module.js';
import { type IamConfig } from './config.js';
import { DatabaseModule } from './database/database.module.js';

@Module({})
export class AppModule {
  static forRoot(config: IamConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'iam', level: config.LOG_LEVEL }),
        DatabaseModule.forRoot(config, { migrate: config.MIGRATIONS_RUN }),
        HealthModule.forRoot({
          checks: [
            postgresCheck(),
            kafkaCheck({ brokers: config.KAFKA_BROKERS, clientId: 'iam-health' }),
          ],
          shutdownDelayMs: config.SHUTDOWN_DELAY_MS,
        }),
        AccountsModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: MaasExceptionFilter },
        { provide: APP_PIPE, useFactory: () => createValidationPipe() },
      ],
    };
  }
}
