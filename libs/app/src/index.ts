// @maas/app: the shell every service's NestJS process shares — main.ts (validate the
// environment, create the app on the Fastify adapter, OpenAPI, shutdown hooks, listen, exit
// on a bad start), the migrate command, the config provider and the global error handling.
export { type AppOptions, errorHandlingProviders, ServiceConfigModule } from './app-module.js';
export { bootstrapService, type ServiceDefinition, startService } from './bootstrap.js';
export { migrate, type MigrateCommand, runMigrateCommand } from './migrate-command.js';
export { type OpenApiInfo, setupApp, setupOpenApi } from './setup-app.js';
