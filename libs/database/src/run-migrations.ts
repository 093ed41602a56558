import { Client } from 'pg';
import { type DataSource } from 'typeorm';
import { quoteIdent } from './schema.js';

/** Brings a schema up to date; returns the names of the migrations it ran. */
export type PrepareDatabase = (dataSource: DataSource) => Promise<string[]>;

/** The advisory lock's name for a schema: one migrator per schema at a time. */
export function migrationLockName(schema: string): string {
  return `maas:migrations:${schema}`;
}

/**
 * Creates the schema if needed and runs the pending migrations while holding a
 * `pg_advisory_lock` on a dedicated connection (outside the pool): replicas that start
 * together queue on the lock, and each finds the work done by the one before. Closing that
 * connection ends the session, which releases the lock, also if this process dies midway.
 * Returns the names of the migrations this call ran.
 */
export async function runMigrationsLocked(dataSource: DataSource): Promise<string[]> {
  const { schema = 'public', url } = dataSource.options as { schema?: string; url?: string };
  const lock = new Client({ connectionString: url, application_name: 'maas-migrations' });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock(hashtext($1))', [migrationLockName(schema)]);
    // Checked first: an operator may pre-create the schema and withhold the CREATE right.
    const found = await lock.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (found.rowCount === 0) await lock.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
    const ran = await dataSource.runMigrations({ transaction: 'each' });
    return ran.map((migration) => migration.name);
  } finally {
    await lock.end();
  }
}
