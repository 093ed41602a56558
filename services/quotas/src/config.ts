import { EnvError, makeValidator } from 'envalid';
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
  sqlIdentifier,
  str,
} from '@maas/config';

/** An integer within bounds (envalid's num accepts any number). */
const intBetween = (min: number, max: number) =>
  makeValidator<number>((input) => {
    const value = Number(input);
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      throw new EnvError(`must be an integer from ${min} to ${max}`);
    }
    return value;
  });

/** What the database half needs: the service and `migrate` share it. */
export const databaseConfigSchema = {
  DATABASE_URL: postgresUrl({ desc: 'PostgreSQL URL, e.g. postgres://user:pass@host:5432/maas' }),
  DB_SCHEMA: sqlIdentifier({
    default: 'quotas',
    desc: "PostgreSQL schema of the quotas service's tables",
  }),
  LOG_LEVEL: logLevel({ default: 'info' }),
};

/** The installation's default quotas (an admin override replaces one per account/project). */
export const defaultQuotasSchema = {
  DEFAULT_MAX_API_KEYS: intBetween(
    1,
    10_000,
  )({ default: 30, desc: 'API keys per account (seed 002: 30)' }),
  DEFAULT_MAX_AGENCIES: intBetween(
    1,
    10_000,
  )({ default: 50, desc: 'IAM agencies per account (seed 002: 50)' }),
  DEFAULT_POOL_NPUS: intBetween(
    0,
    1_000_000,
  )({ default: 64, desc: 'NPUs a project may use in one dedicated pool' }),
  DEFAULT_FREE_TOKENS: intBetween(
    0,
    Number.MAX_SAFE_INTEGER,
  )({
    default: 1_000_000,
    desc: 'Free tokens per preset (built-in) model and project (ModelArts.81005 once used up)',
  }),
};

/** The quotas service's environment. */
export const quotasConfigSchema = {
  ...databaseConfigSchema,
  ...defaultQuotasSchema,
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
  )({ default: 3, desc: 'Partitions of maas.quotas.v1 when this service creates it' }),
  KAFKA_REPLICATION_FACTOR: intBetween(
    1,
    10,
  )({
    default: 1,
    desc: 'Replication factor of maas.quotas.v1 when this service creates it (3 in production)',
  }),
  OUTBOX_RELAY: bool({
    default: true,
    desc: 'Relay the outbox to Kafka from this process (replicas take turns)',
  }),
  CONSUMERS_RUN: bool({
    default: true,
    desc: 'Consume maas.usage.v1, maas.deployments.v1, maas.keys.v1 and maas.iam.v1 in this process',
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
  USAGE_BATCH_SIZE: intBetween(
    1,
    10_000,
  )({
    default: 500,
    desc: 'Usage events per ledger transaction (one inbox insert and a few upserts per batch)',
  }),
};

export type DatabaseConfig = Config<typeof databaseConfigSchema>;
export type DefaultQuotas = Config<typeof defaultQuotasSchema>;
export type QuotasConfig = Config<typeof quotasConfigSchema>;

/** The injection token of the service's validated configuration. */
export const QUOTAS_CONFIG = Symbol('QUOTAS_CONFIG');
