import { EnvError, makeValidator } from 'envalid';
import { MIN_PEPPER_LENGTH } from '@maas/api-keys';
import {
  bool,
  brokerList,
  type Config,
  host,
  httpUrl,
  logLevel,
  nodeEnv,
  num,
  port,
  postgresUrl,
  secret,
  sqlIdentifier,
  str,
} from '@maas/config';

/** An integer within bounds (envalid's num accepts any number). */
const intBetween = (min: number, max: number) =>
  makeValidator<number>((input) => {
    const value = Number(input);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new EnvError(`must be an integer from ${min} to ${max}`);
    }
    return value;
  });

/** The API key pepper: long enough that it cannot be guessed. */
const pepper = makeValidator<string>((input) => {
  if (input.length < MIN_PEPPER_LENGTH) {
    throw new EnvError(`must be at least ${MIN_PEPPER_LENGTH} characters`);
  }
  return input;
});

/** What the database half needs: the service and `migrate` share it. */
export const databaseConfigSchema = {
  DATABASE_URL: postgresUrl({ desc: 'PostgreSQL URL, e.g. postgres://user:pass@host:5432/maas' }),
  DB_SCHEMA: sqlIdentifier({
    default: 'keys',
    desc: "PostgreSQL schema of the keys service's tables",
  }),
  LOG_LEVEL: logLevel({ default: 'info' }),
};

/** The keys service's environment. */
export const keysConfigSchema = {
  ...databaseConfigSchema,
  NODE_ENV: nodeEnv({ default: 'production' }),
  HOST: host({ default: '127.0.0.1', desc: 'Address to bind (0.0.0.0 in a container)' }),
  PORT: port({ default: 8080 }),
  KAFKA_BROKERS: brokerList({ desc: 'Kafka bootstrap brokers, host:port,host:port' }),
  KAFKA_TOPIC_PREFIX: str({
    default: '',
    desc: 'Prepended to topic and consumer group names (isolates an environment or a test run)',
  }),
  KAFKA_TOPIC_PARTITIONS: intBetween(
    1,
    1000,
  )({
    default: 3,
    desc: 'Partitions of maas.keys.v1 when this service creates it',
  }),
  KAFKA_REPLICATION_FACTOR: intBetween(
    1,
    10,
  )({
    default: 1,
    desc: 'Replication factor of maas.keys.v1 when this service creates it (3 in production)',
  }),
  OUTBOX_RELAY: bool({
    default: true,
    desc: 'Relay the outbox to Kafka from this process (every replica may; they take turns)',
  }),
  CONSUMERS_RUN: bool({
    default: true,
    desc: 'Consume maas.iam.v1, maas.quotas.v1 and maas.usage.v1 in this process',
  }),
  MIGRATIONS_RUN: bool({
    default: true,
    desc: 'Run pending migrations at start, under a PostgreSQL advisory lock',
  }),
  SHUTDOWN_DELAY_MS: num({
    default: 0,
    desc: 'On SIGTERM, report not-ready this long before closing the server',
  }),
  IAM_JWKS_URL: httpUrl({
    desc: "IAM's public token keys, e.g. http://iam:8080/v3/auth/jwks (tokens are verified locally)",
  }),
  API_KEY_PEPPER: secret(
    pepper({
      desc:
        'Server-side secret of the keyed hash of API key secrets (HMAC-SHA-256); the gateways ' +
        'need the same value. Changing it invalidates every key',
    }),
  ),
  DEFAULT_MAX_API_KEYS: intBetween(
    1,
    10_000,
  )({
    default: 30,
    desc: 'API keys per account until maas.quotas.v1 says otherwise (seed 002: 30)',
  }),
  MAX_GRACE_PERIOD_SECONDS: intBetween(
    0,
    30 * 86_400,
  )({
    default: 7 * 86_400,
    desc: 'Longest grace period a rotation may give the old secret',
  }),
};

export type DatabaseConfig = Config<typeof databaseConfigSchema>;
export type KeysConfig = Config<typeof keysConfigSchema>;

/** The injection token of the service's validated configuration. */
export const KEYS_CONFIG = Symbol('KEYS_CONFIG');
