export { createFastifyAdapter } from './fastify.js';
export {
  loggerOptions,
  maskUrlCredentials,
  REDACT_PATHS,
  REDACTED,
  type LoggerSettings,
} from './logger.js';
export { MetricsService, UNMATCHED_ROUTE } from './metrics.service.js';
export { ObservabilityModule } from './observability.module.js';
export { type ObservabilityOptions } from './options.js';
export { REQUEST_ID_HEADER, requestIdFor } from './request-id.js';
// The logger to install with app.useLogger(app.get(Logger)), and its injectable form.
export { Logger, PinoLogger, InjectPinoLogger } from 'nestjs-pino';
