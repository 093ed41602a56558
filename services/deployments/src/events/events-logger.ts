import { Logger } from '@nestjs/common';
import { type EventsLogger } from '@maas/events';

/** @maas/events logging through the application's (pino) logger. */
export function eventsLogger(context: string): EventsLogger {
  const logger = new Logger(context);
  return {
    debug: (ctx, msg) => logger.debug({ msg, ...ctx }),
    info: (ctx, msg) => logger.log({ msg, ...ctx }),
    warn: (ctx, msg) => logger.warn({ msg, ...ctx }),
    error: (ctx, msg) => logger.error({ msg, ...ctx }),
  };
}
