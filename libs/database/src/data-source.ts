import { type DataSourceOptions } from 'typeorm';

export interface ServiceDataSourceSettings {
  /** The service's DATABASE_URL and DB_SCHEMA (see databaseConfig in @maas/config). */
  config: { readonly DATABASE_URL: string; readonly DB_SCHEMA: string };
  /** The service's name: its connections show as application `maas-<service>`. */
  service: string;
  /** Every entity of the service's schema (never another service's); none when it speaks SQL. */
  entities?: DataSourceOptions['entities'];
  /** Every migration, oldest first (listed, not globbed). */
  migrations: DataSourceOptions['migrations'];
  /** Connections in the pool (TypeORM's default when unset). */
  poolSize?: number;
}

/**
 * A service's one DataSource definition (the app, its migrate command and its tests use it):
 * PostgreSQL in the service's own schema; migrations are files run explicitly or at boot
 * under the advisory lock, never by TypeORM on its own, and the schema is never synchronized.
 */
export function serviceDataSourceOptions(settings: ServiceDataSourceSettings): DataSourceOptions {
  const { config, poolSize } = settings;
  return {
    type: 'postgres',
    url: config.DATABASE_URL,
    schema: config.DB_SCHEMA,
    applicationName: `maas-${settings.service}`,
    entities: settings.entities ?? [],
    migrations: settings.migrations,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    ...(poolSize === undefined ? {} : { poolSize }),
  };
}
