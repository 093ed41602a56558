import { type LevelWithSilent, type LoggerOptions, stdTimeFunctions } from 'pino';

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
  };
}
