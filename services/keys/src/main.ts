import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { describeConfig, loadConfigOrExit } from '@maas/config';
import { createFastifyAdapter, Logger } from '@maas/observability';
import { AppModule } from './app.module.js';
import { configureApp } from './app.setup.js';
import { keysConfigSchema } from './config.js';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit(keysConfigSchema);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config),
    createFastifyAdapter(),
    {
      bufferLogs: true,
      abortOnError: false,
    },
  );
  configureApp(app);
  // SIGTERM: readiness goes 503, the server drains in-flight requests, consumers commit and
  // leave their groups, the outbox relay stops, connections close, then the process exits 0.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  const logger = app.get(Logger);
  for (const signal of ['SIGTERM', 'SIGINT']) {
    process.once(signal, () => logger.log({ msg: 'shutting down', signal }, 'Bootstrap'));
  }
  await app.listen(config.PORT, config.HOST);
  logger.log({ msg: 'keys listening', config: describeConfig(config) }, 'Bootstrap');
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(
    `keys failed to start: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
