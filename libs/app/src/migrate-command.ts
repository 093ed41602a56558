import { pino } from 'pino';
import { type DataSourceOptions } from 'typeorm';
import { type RequiredValidatorSpec } from 'envalid';
import { type Config, type ConfigSchema, loadConfigOrExit, type LogLevel } from '@maas/config';
import { migrateOnce, type PrepareDatabase } from '@maas/database';
import { loggerOptions } from '@maas/observability';
import { describeFailure } from './bootstrap.js';

/** A schema with what the command needs: databaseConfig and logConfig of @maas/config. */
export type MigrateSchema = ConfigSchema & {
  DB_SCHEMA: RequiredValidatorSpec<string>;
  LOG_LEVEL: RequiredValidatorSpec<LogLevel>;
};

export interface MigrateCommand<S extends MigrateSchema> {
  /** The service's name; the command logs as `<service>-migrate`. */
  service: string;
  /** What the command reads of the environment (the service's database half). */
  schema: S;
  /** The service's DataSource definition. */
  dataSourceOptions: (config: Config<S>) => DataSourceOptions;
  /** Default: the pending migrations under the advisory lock (runMigrationsLocked). */
  prepare?: PrepareDatabase;
}

/**
 * Brings the service's schema up to date and logs what ran: the Helm pre-upgrade Job and
 * `npm run migrate`. Safe while replicas boot: all of them take the same advisory lock.
 */
export async function migrate<S extends MigrateSchema>(command: MigrateCommand<S>): Promise<void> {
  const config = loadConfigOrExit(command.schema);
  // What MigrateSchema guarantees, which TypeScript cannot see through Config<S>.
  const { DB_SCHEMA, LOG_LEVEL } = config as Config<S> & {
    readonly DB_SCHEMA: string;
    readonly LOG_LEVEL: LogLevel;
  };
  const log = pino(loggerOptions({ service: `${command.service}-migrate`, level: LOG_LEVEL }));
  const ran = await migrateOnce(command.dataSourceOptions(config), command.prepare);
  log.info({ ran, schema: DB_SCHEMA }, 'migrations up to date');
}

/** migrate.ts of a service: migrate, or why it failed on stderr and exit 1. */
export function runMigrateCommand<S extends MigrateSchema>(command: MigrateCommand<S>): void {
  migrate(command).catch((error: unknown) => {
    process.stderr.write(`migration failed: ${describeFailure(error)}\n`);
    process.exit(1);
  });
}
