import { EnvError, makeValidator } from 'envalid';

// Validators shared by every service's schema. None of them echoes the raw value in its
// error: a URL can carry a password, and the message ends up in logs and on stderr.

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const NODE_ENVS = ['production', 'development', 'test'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

function oneOf<T extends string>(allowed: readonly T[]): (input: string) => T {
  return (input) => {
    const value = input.trim().toLowerCase();
    if ((allowed as readonly string[]).includes(value)) return value as T;
    throw new EnvError(`must be one of ${allowed.join(', ')}`);
  };
}

/** pino log level: fatal, error, warn, info, debug, trace or silent. */
export const logLevel = makeValidator<LogLevel>(oneOf(LOG_LEVELS));

/** NODE_ENV: production, development or test. */
export const nodeEnv = makeValidator<NodeEnv>(oneOf(NODE_ENVS));

function urlWithScheme(schemes: readonly string[]): (input: string) => string {
  const expected = schemes.map((s) => `${s}//`).join(' or ');
  return (input) => {
    let url: URL;
    try {
      url = new URL(input);
    } catch {
      throw new EnvError(`must be a URL (${expected}…)`);
    }
    if (!schemes.includes(url.protocol)) throw new EnvError(`must start with ${expected}`);
    if (!url.hostname) throw new EnvError('must name a host');
    return input;
  };
}

/** A PostgreSQL connection URL: postgres://user[:password]@host[:port]/database. */
export const postgresUrl = makeValidator<string>(urlWithScheme(['postgres:', 'postgresql:']));

/** A Redis connection URL: redis://[user:password@]host[:port][/db] (rediss:// for TLS). */
export const redisUrl = makeValidator<string>(urlWithScheme(['redis:', 'rediss:']));

/** An http(s) URL, e.g. an upstream endpoint. */
export const httpUrl = makeValidator<string>(urlWithScheme(['http:', 'https:']));

const HOST_PORT = /^(?<host>\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(?<port>\d{1,5})$/;

/** A comma-separated list of host:port pairs (Kafka bootstrap brokers), parsed to an array. */
export const brokerList = makeValidator<readonly string[]>((input) => {
  const brokers = input
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
  if (brokers.length === 0) throw new EnvError('must list at least one host:port');
  for (const [index, broker] of brokers.entries()) {
    const port = Number(HOST_PORT.exec(broker)?.groups?.port ?? NaN);
    if (!(port >= 1 && port <= 65535)) {
      throw new EnvError(`entry ${index + 1} is not host:port (port 1-65535)`);
    }
  }
  return Object.freeze(brokers);
});

/** A lower-case SQL identifier (e.g. a PostgreSQL schema name), safe to interpolate quoted. */
export const sqlIdentifier = makeValidator<string>((input) => {
  if (/^[a-z_][a-z0-9_]{0,62}$/.test(input)) return input;
  throw new EnvError(
    'must be a lower-case identifier: a-z, 0-9, _ (not starting with a digit), at most 63 characters',
  );
});

/** An integer from `min` to `max` (envalid's num accepts any number). */
export const intBetween = (min: number, max: number) =>
  makeValidator<number>((input) => {
    const value = Number(input);
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      throw new EnvError(`must be an integer from ${min} to ${max}`);
    }
    return value;
  });

/** A string of at least `min` characters: a secret too short to resist guessing is refused. */
export const minLength = (min: number) =>
  makeValidator<string>((input) => {
    if (input.length < min) throw new EnvError(`must be at least ${min} characters`);
    return input;
  });
