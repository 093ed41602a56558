import { type DataSourceOptions } from 'typeorm';
import { ApiKeyEntity } from '../api-keys/api-key.entity.js';
import { type DatabaseConfig } from '../config.js';
import { MIGRATIONS } from '../migrations/index.js';

/** Every entity of the keys schema; no other service's entity is ever listed here. */
export const ENTITIES = [ApiKeyEntity];

/** The one DataSource definition, used by the app, the migrate entrypoint and tests. */
export function dataSourceOptions(config: DatabaseConfig): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.DATABASE_URL,
    schema: config.DB_SCHEMA,
    applicationName: 'maas-keys',
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
  };
}
