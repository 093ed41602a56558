import { type DataSourceOptions } from 'typeorm';
import { type DatabaseConfig } from '../config.js';
import { MIGRATIONS } from '../migrations/index.js';

/**
 * The one DataSource definition, used by the app, the migrate entrypoint and tests. The
 * repositories speak SQL (upserts, aggregates), so no entity is mapped.
 */
export function dataSourceOptions(config: DatabaseConfig): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.DATABASE_URL,
    schema: config.DB_SCHEMA,
    applicationName: 'maas-quotas',
    entities: [],
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
  };
}
