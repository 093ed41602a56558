import 'reflect-metadata';
import { bootstrapService } from '@maas/app';
import { AppModule } from './app.module.js';
import { configureApp } from './app.setup.js';
import { keysConfigSchema } from './config.js';

bootstrapService({
  name: 'keys',
  schema: keysConfigSchema,
  module: (config) => AppModule.forRoot(config),
  configure: configureApp,
});
