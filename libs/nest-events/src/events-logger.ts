import { Logger } from '@nestjs/common';
import { type EventsLogger } from '@maas/events';

/**
 * @maas/events' logging through the application's logger (pino, from ObservabilityModule),
 * under `context`. The events lib reports failures as `err: error` (the error itself); the app
 * logger's `err` serializer keeps its type and stack and masks credentials in URLs (a string
 * `err` becomes `{ message }`, masked too).
 */
export function eventsLogger(context: string): EventsLogger {
  const logger = new Logger(context);
  return {
    debug: (ctx, msg) => logger.debug({ msg, ...ctx }),
    info: (ctx, msg) => logger.log({ msg, ...ctx }),
    warn: (ctx, msg) => logger.warn({ msg, ...ctx }),
    error: (ctx, msg) => logger.error({ msg, ...ctx }),
  };
}
