// @maas/app: the shell every service's NestJS process shares — main.ts (validate the
// environment, create the app on the Fastify adapter, OpenAPI, shutdown hooks, listen, exit
// on a bad start), the migrate command, the config provider, the global error handling and
// input hygiene at the edge (JSON body limits, unstorable text and numbers, 405/415).
export { type AppOptions, errorHandlingProviders, ServiceConfigModule } from './app-module.js';
export { bootstrapService, type ServiceDefinition, startService } from './bootstrap.js';
export { migrate, type MigrateCommand, runMigrateCommand } from './migrate-command.js';
export { type OpenApiInfo, setupApp, setupOpenApi } from './setup-app.js';
export {
  INPUT_HYGIENE_OFF,
  installRequestHygiene,
  InvalidEncodingError,
  type RequestHygieneOptions,
  UnsupportedMediaTypeError,
} from './edge/request-hygiene.js';
export {
  DEFAULT_MAX_JSON_DEPTH,
  InvalidJsonError,
  JsonTooDeepError,
  parseJsonBody,
} from './edge/json-body.js';
export { MAX_NUMBER } from './edge/input-rules.js';
export { MethodNotAllowedError } from './edge/method-not-allowed.js';
