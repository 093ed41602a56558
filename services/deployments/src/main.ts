import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { describeConfig, loadConfigOrExit } from '@maas/config';
import { createFastifyAdapter, Logger, maskUrlCredentials } from '@maas/observability';
import { AppModule } from './app.module.js';
import { configureApp } from './app.setup.js';
import { deploymentsConfigSchema, withDeprecatedSettings } from './config.js';

async function bootstrap(): Promise<void> {
  const deprecated = withDeprecatedSettings(process.env);
  const config = loadConfigOrExit(deploymentsConfigSchema, deprecated.env);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config),
    createFastifyAdapter(),
    { bufferLogs: true, abortOnError: false },
  );
  configureApp(app);
  // SIGTERM: readiness goes 503, the server stops accepting and drains in-flight requests,
  // the workers finish their jobs, the Kafka consumer commits, connections close, exit 0.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  const logger = app.get(Logger);
  for (const signal of ['SIGTERM', 'SIGINT']) {
    process.once(signal, () => logger.log({ msg: 'shutting down', signal }, 'Bootstrap'));
  }
  await app.listen(config.PORT, config.HOST);
  logger.log({ msg: 'deployments listening', config: describeConfig(config) }, 'Bootstrap');
  if (deprecated.used.length > 0) {
    logger.warn(
      { msg: 'deprecated settings: rename them', settings: deprecated.used },
      'Bootstrap',
    );
  }
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(
    `deployments failed to start: ${maskUrlCredentials(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`,
  );
  process.exit(1);
});
