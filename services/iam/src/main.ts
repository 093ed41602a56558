import 'reflect-metadata';
import { bootstrapService } from '@maas/app';
import { AppModule } from './app.module.js';
import { configureApp } from './app.setup.js';
import { iamConfigSchema } from './config.js';

bootstrapService({
  name: 'iam',
  schema: iamConfigSchema,
  module: (config) => AppModule.forRoot(config),
  configure: configureApp,
});
