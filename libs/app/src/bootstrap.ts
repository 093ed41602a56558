import { type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type RequiredValidatorSpec } from 'envalid';
import { type Config, type ConfigSchema, describeConfig, loadConfigOrExit } from '@maas/config';
import { createFastifyAdapter, Logger } from '@maas/observability';

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
  const config = loadConfigOrExit(service.schema);
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
  return app;
}

/** main.ts of a service: startService, or, if it cannot start, why on stderr and exit 1. */
export function bootstrapService<S extends ServiceSchema>(service: ServiceDefinition<S>): void {
  startService(service).catch((error: unknown) => {
    // The app logger may not be installed yet: report plainly on stderr.
    process.stderr.write(
      `${service.name} failed to start: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    process.exit(1);
  });
}
