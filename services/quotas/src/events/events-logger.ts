import { Logger } from '@nestjs/common';
import { type EventsLogger } from '@maas/events';

/**
 * A context for pino: the events lib reports errors as `err: "<message>"`, but pino's `err`
 * serializer expects an Error object (a string comes out as one field per character), so
 * a string `err` is logged as `error`.
 */
function fields(ctx: object): Record<string, unknown> {
  const { err, ...rest } = ctx as { err?: unknown };
  return typeof err === 'string' ? { ...rest, error: err } : (ctx as Record<string, unknown>);
}

/** @maas/events logging through the application's (pino) logger. */
export function eventsLogger(context: string): EventsLogger {
  const logger = new Logger(context);
  return {
    debug: (ctx, msg) => logger.debug({ msg, ...fields(ctx) }),
    info: (ctx, msg) => logger.log({ msg, ...fields(ctx) }),
    warn: (ctx, msg) => logger.warn({ msg, ...fields(ctx) }),
    error: (ctx, msg) => logger.error({ msg, ...fields(ctx) }),
  };
}
