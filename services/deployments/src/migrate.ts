import 'reflect-metadata';
import { runMigrateCommand } from '@maas/app';
import { databaseConfigSchema } from './config.js';
import { dataSourceOptions } from './database/data-source.js';

// Runs the deployments service's pending migrations and exits: the Helm pre-upgrade Job and
// `npm run migrate`. Safe while replicas boot: all of them take the same advisory lock.
runMigrateCommand({ service: 'deployments', schema: databaseConfigSchema, dataSourceOptions });
