// @maas/database: what every service's PostgreSQL layer shares — migrations at boot under an
// advisory lock, identifier quoting for raw migration SQL, constraint-violation checks.
export { isUniqueViolation, UNIQUE_VIOLATION } from './errors.js';
export { migrationLockName, runMigrationsLocked } from './run-migrations.js';
export { quoteIdent, schemaOf } from './schema.js';
