import 'reflect-metadata';
import { bootstrapService } from '@maas/app';
import { AppModule } from './app.module.js';
import { configureApp } from './app.setup.js';
import { quotasConfigSchema } from './config.js';

bootstrapService({
  name: 'quotas',
  schema: quotasConfigSchema,
  module: (config) => AppModule.forRoot(config),
  configure: configureApp,
});
