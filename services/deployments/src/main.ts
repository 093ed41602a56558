import 'reflect-metadata';
import { bootstrapService } from '@maas/app';
import { AppModule } from './app.module.js';
import { configureApp } from './app.setup.js';
import { DEPRECATED_SETTINGS, deploymentsConfigSchema } from './config.js';

bootstrapService({
  name: 'deployments',
  schema: deploymentsConfigSchema,
  module: (config) => AppModule.forRoot(config),
  configure: configureApp,
  deprecatedSettings: DEPRECATED_SETTINGS,
});
