import { type DataSource } from 'typeorm';
import { runMigrationsLocked } from '@maas/database';
import { syncSystemPolicies } from '../store/policies/system-policies.js';

/**
 * Brings the schema up to date: pending migrations (under the advisory lock), then the
 * reference data (system policies). What the service does at boot and `migrate` does alone.
 * Returns the names of the migrations it ran.
 */
export async function prepareDatabase(dataSource: DataSource): Promise<string[]> {
  const ran = await runMigrationsLocked(dataSource);
  await syncSystemPolicies(dataSource);
  return ran;
}
