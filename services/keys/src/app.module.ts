import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { type DestinationStream } from 'pino';
import { createValidationPipe, MaasExceptionFilter } from '@maas/errors';
import { HealthModule, kafkaCheck, postgresCheck } from '@maas/health';
import { ObservabilityModule } from '@maas/observability';
import { ApiKeysModule } from './api-keys/api-keys.module.js';
import { AuthModule } from './auth/auth.module.js';
import { KeysConfigModule } from './common/config.module.js';
import { CoreModule } from './common/core.module.js';
import { type KeysConfig } from './config.js';
import { DatabaseModule } from './database/database.module.js';
import { EventsModule } from './events/events.module.js';

export interface AppOptions {
  /** Where logs go (default stdout); tests pass a stream to read them. */
  logDestination?: DestinationStream;
}

@Module({})
export class AppModule {
  static forRoot(config: KeysConfig, options: AppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        KeysConfigModule.forRoot(config),
        ObservabilityModule.forRoot({
          service: 'keys',
          level: config.LOG_LEVEL,
          destination: options.logDestination,
        }),
        DatabaseModule.forRoot(config, { migrate: config.MIGRATIONS_RUN }),
        HealthModule.forRoot({
          checks: [
            postgresCheck(),
            kafkaCheck({ brokers: config.KAFKA_BROKERS, clientId: 'keys-health' }),
          ],
          shutdownDelayMs: config.SHUTDOWN_DELAY_MS,
        }),
        CoreModule,
        AuthModule,
        EventsModule,
        ApiKeysModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: MaasExceptionFilter },
        { provide: APP_PIPE, useFactory: () => createValidationPipe() },
      ],
    };
  }
}
