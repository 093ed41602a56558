import { EnvError, makeValidator } from 'envalid';
import {
  bool,
  brokerList,
  type Config,
  host,
  logLevel,
  nodeEnv,
  num,
  port,
  postgresUrl,
  secret,
  sqlIdentifier,
  str,
} from '@maas/config';

const REGION = /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/;

/** A comma-separated list of region ids (e.g. `cn-southwest-2,ap-southeast-1`). */
const regionList = makeValidator<readonly string[]>((input) => {
  const regions = [
    ...new Set(
      input
        .split(',')
        .map((r) => r.trim())
        .filter(Boolean),
    ),
  ];
  if (regions.length === 0) throw new EnvError('must list at least one region');
  for (const [index, region] of regions.entries()) {
    if (!REGION.test(region)) {
      throw new EnvError(`entry ${index + 1} is not a region id such as cn-southwest-2`);
    }
  }
  return Object.freeze(regions);
});

/** A number within bounds (envalid's num accepts any). */
const intBetween = (min: number, max: number) =>
  makeValidator<number>((input) => {
    const value = Number(input);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new EnvError(`must be an integer from ${min} to ${max}`);
    }
    return value;
  });

/** Secrets too short to resist guessing are refused at start. */
const longSecret = makeValidator<string>((input) => {
  if (input.length < 24) throw new EnvError('must be at least 24 characters');
  return input;
});

/** What the database half needs: the service, `migrate` and `bootstrap` share it. */
export const databaseConfigSchema = {
  DATABASE_URL: postgresUrl({ desc: 'PostgreSQL URL, e.g. postgres://user:pass@host:5432/maas' }),
  DB_SCHEMA: sqlIdentifier({ default: 'iam', desc: "PostgreSQL schema of IAM's tables" }),
  LOG_LEVEL: logLevel({ default: 'info' }),
};

/** What account creation needs (the service and the bootstrap command). */
export const accountConfigSchema = {
  REGIONS: regionList({
    default: Object.freeze(['cn-southwest-2']),
    desc: 'Regions of this installation, comma-separated; every account gets one project per region',
  }),
  KAFKA_TOPIC_PREFIX: str({
    default: '',
    desc: 'Prepended to topic names (isolates an environment or a test run on a shared cluster)',
  }),
};

/** The IAM service's environment. */
export const iamConfigSchema = {
  ...databaseConfigSchema,
  ...accountConfigSchema,
  NODE_ENV: nodeEnv({ default: 'production' }),
  HOST: host({ default: '127.0.0.1', desc: 'Address to bind (0.0.0.0 in a container)' }),
  PORT: port({ default: 8080 }),
  KAFKA_BROKERS: brokerList({ desc: 'Kafka bootstrap brokers, host:port,host:port' }),
  KAFKA_TOPIC_PARTITIONS: intBetween(
    1,
    1000,
  )({
    default: 3,
    desc: 'Partitions of maas.iam.v1 when IAM creates it',
  }),
  KAFKA_REPLICATION_FACTOR: intBetween(
    1,
    10,
  )({
    default: 1,
    desc: 'Replication factor of maas.iam.v1 when IAM creates it (3 in production)',
  }),
  OUTBOX_RELAY: bool({
    default: true,
    desc: 'Relay the outbox to Kafka from this process (every replica may; they take turns)',
  }),
  MIGRATIONS_RUN: bool({
    default: true,
    desc: 'Run pending migrations at start, under a PostgreSQL advisory lock',
  }),
  SHUTDOWN_DELAY_MS: num({
    default: 0,
    desc: 'On SIGTERM, report not-ready this long before closing the server',
  }),
  TOKEN_SIGNING_KEY: secret(
    str({
      default: undefined,
      desc:
        'Ed25519 private key (PKCS#8 PEM) that signs tokens; every replica needs the same one. ' +
        'Unset: an ephemeral key is generated (tokens die with the process; development only)',
    }),
  ),
  TOKEN_KEY_ID: str({
    default: undefined,
    desc: "Key id (JWT kid) of the signing key; default: the key's RFC 7638 thumbprint",
  }),
  TOKEN_TTL_SECONDS: intBetween(
    60,
    7 * 86_400,
  )({
    default: 86_400,
    desc: 'Lifetime of issued tokens, in seconds',
  }),
  OPERATOR_TOKEN: secret(
    longSecret({
      default: undefined,
      desc:
        'Shared secret of the operator API (POST /v3/accounts, GET /v3/accounts/{id}) in the ' +
        'X-Operator-Token header. Unset: that API is disabled (use the bootstrap command)',
    }),
  ),
};

export type DatabaseConfig = Config<typeof databaseConfigSchema>;
export type AccountConfig = Config<typeof accountConfigSchema>;
export type IamConfig = Config<typeof iamConfigSchema>;

/** The injection token of the service's validated configuration. */
export const IAM_CONFIG = Symbol('IAM_CONFIG');
