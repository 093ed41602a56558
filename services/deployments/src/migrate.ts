import 'reflect-metadata';
import { pino } from 'pino';
import { DataSource } from 'typeorm';
import { loadConfigOrExit } from '@maas/config';
import { runMigrationsLocked } from '@maas/database';
import { loggerOptions, maskUrlCredentials } from '@maas/observability';
import { databaseConfigSchema } from './config.js';
import { dataSourceOptions } from './database/data-source.js';

/**
 * Runs the pending migrations of the deployments schema and exits: the Helm pre-upgrade Job
 * and `npm run migrate`. Safe while replicas boot: all take the same advisory lock.
 */
async function migrate(): Promise<void> {
  const config = loadConfigOrExit(databaseConfigSchema);
  const log = pino(loggerOptions({ service: 'deployments-migrate', level: config.LOG_LEVEL }));
  const dataSource = await new DataSource(dataSourceOptions(config)).initialize();
  try {
    const ran = await runMigrationsLocked(dataSource);
    log.info({ ran, schema: config.DB_SCHEMA }, 'migrations up to date');
  } finally {
    await dataSource.destroy();
  }
}

migrate().catch((error: unknown) => {
  process.stderr.write(
    `migration failed: ${maskUrlCredentials(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`,
  );
  process.exit(1);
});
