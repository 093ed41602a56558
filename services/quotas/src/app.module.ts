import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { type DestinationStream } from 'pino';
import { createValidationPipe, MaasExceptionFilter } from '@maas/errors';
import { HealthModule, kafkaCheck, postgresCheck } from '@maas/health';
import { ObservabilityModule } from '@maas/observability';
import { AuthModule } from './auth/auth.module.js';
import { QuotasConfigModule } from './common/config.module.js';
import { CoreModule } from './common/core.module.js';
import { type QuotasConfig } from './config.js';
import { DatabaseModule } from './database/database.module.js';
import { EventsModule } from './events/events.module.js';
import { QuotasModule } from './limits/quotas.module.js';
import { PoliciesModule } from './policies/policies.module.js';
import { UsageModule } from './usage/usage.module.js';

export interface AppOptions {
  /** Where logs go (default stdout); tests pass a stream to read them. */
  logDestination?: DestinationStream;
}

@Module({})
export class AppModule {
  static forRoot(config: QuotasConfig, options: AppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        QuotasConfigModule.forRoot(config),
        ObservabilityModule.forRoot({
          service: 'quotas',
          level: config.LOG_LEVEL,
          destination: options.logDestination,
        }),
        DatabaseModule.forRoot(config, { migrate: config.MIGRATIONS_RUN }),
        HealthModule.forRoot({
          checks: [
            postgresCheck(),
            kafkaCheck({ brokers: config.KAFKA_BROKERS, clientId: 'quotas-health' }),
          ],
          shutdownDelayMs: config.SHUTDOWN_DELAY_MS,
        }),
        CoreModule,
        AuthModule,
        EventsModule,
        QuotasModule,
        PoliciesModule,
        UsageModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: MaasExceptionFilter },
        { provide: APP_PIPE, useFactory: () => createValidationPipe() },
      ],
    };
  }
}
