import { DataSource, type DataSourceOptions } from 'typeorm';
import { type PrepareDatabase, runMigrationsLocked } from './run-migrations.js';

/**
 * Connects, brings the schema up to date (default: runMigrationsLocked) and disconnects:
 * what a service's `migrate` command does. Returns the names of the migrations it ran.
 */
export async function migrateOnce(
  options: DataSourceOptions,
  prepare: PrepareDatabase = runMigrationsLocked,
): Promise<string[]> {
  const dataSource = await new DataSource(options).initialize();
  try {
    return await prepare(dataSource);
  } finally {
    await dataSource.destroy();
  }
}
