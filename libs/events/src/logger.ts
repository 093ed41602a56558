/**
 * The logging this lib needs, in pino's argument order (context object, then message), so a
 * pino logger can be passed as is. Without one, warnings and errors go to stderr.
 */
export interface EventsLogger {
  debug(context: object, message: string): void;
  info(context: object, message: string): void;
  warn(context: object, message: string): void;
  error(context: object, message: string): void;
}

const write = (level: string) => (context: object, message: string) => {
  process.stderr.write(
    `${JSON.stringify({ level, lib: '@maas/events', msg: message, ...context })}\n`,
  );
};

export const stderrLogger: EventsLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: write('warn'),
  error: write('error'),
};

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
