import 'reflect-metadata';
import { runMigrateCommand } from '@maas/app';
import { databaseConfigSchema } from './config.js';
import { dataSourceOptions } from './database/data-source.js';
import { prepareDatabase } from './database/prepare-database.js';

// Runs IAM's pending migrations (and refreshes the system policies) and exits: the Helm
// pre-upgrade Job and `npm run migrate`. Safe to run while replicas boot: all of them take
// the same advisory lock.
runMigrateCommand({
  service: 'iam',
  schema: databaseConfigSchema,
  dataSourceOptions,
  prepare: prepareDatabase,
});
