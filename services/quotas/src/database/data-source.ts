import { type DataSourceOptions } from 'typeorm';
import { serviceDataSourceOptions } from '@maas/database';
import { type DatabaseConfig } from '../config.js';
import { MIGRATIONS } from '../migrations/index.js';

/**
 * The one DataSource definition, used by the app, the migrate entrypoint and tests. The
 * repositories speak SQL (upserts, aggregates), so no entity is mapped.
 */
export function dataSourceOptions(config: DatabaseConfig): DataSourceOptions {
  return serviceDataSourceOptions({ config, service: 'quotas', migrations: MIGRATIONS });
}
