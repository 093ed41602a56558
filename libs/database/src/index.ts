// @maas/database: what every service's PostgreSQL layer shares — its DataSource definition,
// migrations at boot under an advisory lock (a Nest module) or from a command, identifier
// quoting for raw migration SQL, constraint-violation checks.
export { serviceDataSourceOptions, type ServiceDataSourceSettings } from './data-source.js';
export { isUniqueViolation, UNIQUE_VIOLATION } from './errors.js';
export { migrateOnce } from './migrate-once.js';
export { DatabaseModule, type DatabaseModuleOptions } from './nest/database.module.js';
export { migrationLockName, runMigrationsLocked, type PrepareDatabase } from './run-migrations.js';
export { quoteIdent, schemaOf } from './schema.js';
