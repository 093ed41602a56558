import { type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type RequiredValidatorSpec } from 'envalid';
import {
  type Config,
  type ConfigSchema,
  describeConfig,
  loadConfigOrExit,
  withDeprecatedSettings,
} from '@maas/config';
import { createFastifyAdapter, Logger, maskUrlCredentials } from '@maas/observability';

/** A schema that says where the service listens (httpServerConfig in @maas/config). */
export type ServiceSchema = ConfigSchema & {
  PORT: RequiredValidatorSpec<number>;
  HOST: RequiredValidatorSpec<string>;
};

export interface ServiceDefinition<S extends ServiceSchema> {
  /** The service's name, in its log lines and its start-up error. */
  name: string;
  /** The service's environment schema, validated first: a bad variable exits 1, named. */
  schema: S;
  /** The application's root module for the validated configuration. */
  module: (config: Config<S>) => DynamicModule;
  /** What main.ts and the tests both do to the app before it starts (see setupApp). */
  configure: (app: NestFastifyApplication) => void;
  /**
   * Settings the service renamed, old name → new name: still read under the old name (the
   * new one wins when both are set), with a warning at start (see withDeprecatedSettings).
   */
  deprecatedSettings?: Readonly<Record<string, string>>;
}

/**
 * Starts a service: validates its environment, creates the app on the project's Fastify
 * adapter, configures it, and listens on HOST:PORT once every module is initialized (so
 * migrations at boot run before). SIGTERM/SIGINT: readiness goes 503, the server stops
 * accepting and drains in-flight requests, consumers commit, the outbox relay stops,
 * connections close, then the process exits 0.
 */
export async function startService<S extends ServiceSchema>(
  service: ServiceDefinition<S>,
): Promise<NestFastifyApplication> {
  const deprecated = withDeprecatedSettings(process.env, service.deprecatedSettings ?? {});
  const config = loadConfigOrExit(service.schema, deprecated.env);
  // What ServiceSchema guarantees, which TypeScript cannot see through Config<S>.
  const { PORT, HOST } = config as Config<S> & { readonly PORT: number; readonly HOST: string };
  const app = await NestFactory.create<NestFastifyApplication>(
    service.module(config),
    createFastifyAdapter(),
    { bufferLogs: true, abortOnError: false },
  );
  service.configure(app);
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  const logger = app.get(Logger);
  for (const signal of ['SIGTERM', 'SIGINT']) {
    process.once(signal, () => logger.log({ msg: 'shutting down', signal }, 'Bootstrap'));
  }
  await app.listen(PORT, HOST);
  logger.log({ msg: `${service.name} listening`, config: describeConfig(config) }, 'Bootstrap');
  if (deprecated.used.length > 0) {
    logger.warn(
      { msg: 'deprecated settings: rename them', settings: deprecated.used },
      'Bootstrap',
    );
  }
  return app;
}

/** main.ts of a service: startService, or, if it cannot start, why on stderr and exit 1. */
export function bootstrapService<S extends ServiceSchema>(service: ServiceDefinition<S>): void {
  startService(service).catch((error: unknown) => {
    // The app logger may not be installed yet: report plainly on stderr (credentials in
    // URLs masked, as the logger would).
    process.stderr.write(`${service.name} failed to start: ${describeFailure(error)}\n`);
    process.exit(1);
  });
}

/** An error as a start-up or migrate command prints it: its stack, credentials in URLs masked. */
export function describeFailure(error: unknown): string {
  return maskUrlCredentials(
    error instanceof Error ? (error.stack ?? error.message) : String(error),
  );
}
