/**
 * The logging this lib needs, in pino's argument order (context object, then message), so a
 * pino logger can be passed as is. Without one, warnings and errors go to stderr. Failures
 * are logged as the error itself (`err: error`), never a string made of it: the app logger's
 * `err` serializer keeps the type and stack and masks credentials in URLs.
 */
export interface EventsLogger {
  debug(context: object, message: string): void;
  info(context: object, message: string): void;
  warn(context: object, message: string): void;
  error(context: object, message: string): void;
}

/** `scheme://user:password@` → `scheme://user:[redacted]@` (the fallback has no app serializer). */
const maskUrlCredentials = (text: string) =>
  text.replace(/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+@/gi, '$1[redacted]@');

/**
 * A JSON.stringify replacer for log lines written without the app logger: an Error (which
 * stringifies as `{}`) becomes `{ type, message, stack }`, credentials in URLs masked.
 */
export function jsonLogValue(key: string, value: unknown): unknown {
  if (key === 'err' && typeof value === 'string') return maskUrlCredentials(value);
  if (!(value instanceof Error)) return value;
  return {
    type: value.name,
    message: maskUrlCredentials(value.message),
    stack: value.stack === undefined ? undefined : maskUrlCredentials(value.stack),
  };
}

const write = (level: string) => (context: object, message: string) => {
  const line = { level, lib: '@maas/events', msg: message, ...context };
  process.stderr.write(`${JSON.stringify(line, jsonLogValue)}\n`);
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
