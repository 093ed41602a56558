import 'reflect-metadata';
import { bootstrapService } from '@maas/app';
import { AppModule } from './app.module.js';
import { configureApp } from './app.setup.js';
import { gatewayConfigSchema } from './config.js';

bootstrapService({
  name: 'gateway',
  schema: gatewayConfigSchema,
  module: (config) => AppModule.forRoot(config),
  configure: configureApp,
});
