import { type DataSourceOptions } from 'typeorm';
import { serviceDataSourceOptions } from '@maas/database';
import { ApiKeyEntity } from '../api-keys/api-key.entity.js';
import { type DatabaseConfig } from '../config.js';
import { MIGRATIONS } from '../migrations/index.js';

/** Every entity of the keys schema; no other service's entity is ever listed here. */
export const ENTITIES = [ApiKeyEntity];

/** The one DataSource definition, used by the app, the migrate entrypoint and tests. */
export function dataSourceOptions(config: DatabaseConfig): DataSourceOptions {
  return serviceDataSourceOptions({
    config,
    service: 'keys',
    entities: ENTITIES,
    migrations: MIGRATIONS,
  });
}
