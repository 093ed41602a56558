import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { type DestinationStream } from 'pino';
import { createValidationPipe, MaasExceptionFilter } from '@maas/errors';

/** Options of a service's AppModule.forRoot besides its configuration. */
export interface AppOptions {
  /** Where logs go (default stdout); tests pass a stream to read them. */
  logDestination?: DestinationStream;
}

/**
 * The global exception filter (domain errors → status and public error body) and the
 * validation pipe (request DTOs), as every service's AppModule provides them.
 */
export function errorHandlingProviders(): Provider[] {
  return [
    { provide: APP_FILTER, useClass: MaasExceptionFilter },
    { provide: APP_PIPE, useFactory: () => createValidationPipe() },
  ];
}

/** Makes the service's validated configuration injectable everywhere under `token`. */
@Module({})
export class ServiceConfigModule {
  static forRoot(token: symbol, config: object): DynamicModule {
    return {
      module: ServiceConfigModule,
      global: true,
      providers: [{ provide: token, useValue: config }],
      exports: [token],
    };
  }
}
