import { type LevelWithSilent, type LoggerOptions, stdSerializers, stdTimeFunctions } from 'pino';

export const REDACTED = '[redacted]';

/** Headers that carry credentials, in any logged `headers` object (requests and responses). */
const SECRET_HEADERS = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-auth-token',
  'x-subject-token',
  'x-apig-appcode',
  'x-api-key',
  'x-operator-token',
];

/** Fields that carry secrets, at the top level and two levels down in any logged object. */
const SECRET_FIELDS = [
  'password',
  'secret',
  'client_secret',
  'api_key',
  'apiKey',
  'apikey',
  'token',
  'access_token',
  'refresh_token',
  'private_key',
  'signing_key',
  'authorization',
];

export const REDACT_PATHS: readonly string[] = [
  ...SECRET_HEADERS.flatMap((h) => [`headers["${h}"]`, `*.headers["${h}"]`]),
  ...SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]),
];

/** `scheme://user:password@` → `scheme://user:[redacted]@`, wherever it appears in a text. */
export function maskUrlCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+@/gi, `$1${REDACTED}@`);
}

/**
 * pino's error serializer, with credentials inside URLs in the message and stack masked.
 * pino-http hands it errors it has already serialized with pino's own. A bare message (an
 * `err` given as a string) becomes `{ message }`, not one field per character.
 */
function errorSerializer(error: unknown): Record<string, unknown> {
  const serialized = (
    error instanceof Error
      ? stdSerializers.err(error)
      : typeof error === 'string'
        ? { message: error }
        : { ...(error as object) }
  ) as Record<string, unknown>;
  for (const key of ['message', 'stack']) {
    const value = serialized[key];
    if (typeof value === 'string') serialized[key] = maskUrlCredentials(value);
  }
  return serialized;
}

export interface LoggerSettings {
  /** Service name, a field of every log line. */
  service: string;
  level?: LevelWithSilent;
}

/** pino options of every service: JSON, ISO time, level names, secrets redacted. */
export function loggerOptions({ service, level = 'info' }: LoggerSettings): LoggerOptions {
  return {
    level,
    base: { service },
    timestamp: stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: [...REDACT_PATHS], censor: REDACTED },
    serializers: { err: errorSerializer },
  };
}
