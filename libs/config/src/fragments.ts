import { bool, host, num, port, str } from 'envalid';
import { secret } from './config.js';
import {
  brokerList,
  httpUrl,
  intBetween,
  logLevel,
  minLength,
  nodeEnv,
  postgresUrl,
  sqlIdentifier,
} from './validators.js';

// Schema fragments every service spreads into its own schema, so a variable means the same
// thing (name, default, validation) in every service. A service's schema stays its own:
// it picks the fragments it needs and adds its variables.

/** The HTTP server: where it listens, and how it stops. */
export const httpServerConfig = {
  NODE_ENV: nodeEnv({ default: 'production' }),
  HOST: host({ default: '127.0.0.1', desc: 'Address to bind (0.0.0.0 in a container)' }),
  PORT: port({ default: 8080 }),
  SHUTDOWN_DELAY_MS: num({
    default: 0,
    desc: 'On SIGTERM, report not-ready this long before closing the server',
  }),
};

/** The log level (the service and its commands log alike). */
export const logConfig = {
  LOG_LEVEL: logLevel({ default: 'info' }),
};

/** The service's PostgreSQL database and its own schema (`schema` is the default name). */
export function databaseConfig(schema: string) {
  return {
    DATABASE_URL: postgresUrl({
      desc: 'PostgreSQL URL, e.g. postgres://user:pass@host:5432/maas',
    }),
    DB_SCHEMA: sqlIdentifier({
      default: schema,
      desc: `PostgreSQL schema of the ${schema} service's tables`,
    }),
  };
}

/** Migrations at boot, under the advisory lock (the Helm Job runs them otherwise). */
export const migrationsConfig = {
  MIGRATIONS_RUN: bool({
    default: true,
    desc: 'Run pending migrations at start, under a PostgreSQL advisory lock',
  }),
};

/** The prefix of topic and consumer group names (also what commands publishing events need). */
export const kafkaTopicPrefixConfig = {
  KAFKA_TOPIC_PREFIX: str({
    default: '',
    desc: 'Prepended to topic and consumer group names (isolates an environment or a test run)',
  }),
};

/** Kafka, and how the topics this service creates (`topics`, e.g. maas.keys.v1) are made. */
export function kafkaConfig(topics: string) {
  return {
    KAFKA_BROKERS: brokerList({ desc: 'Kafka bootstrap brokers, host:port,host:port' }),
    ...kafkaTopicPrefixConfig,
    KAFKA_TOPIC_PARTITIONS: intBetween(
      1,
      1000,
    )({
      default: 3,
      desc: `Partitions of ${topics} when this service creates it`,
    }),
    KAFKA_REPLICATION_FACTOR: intBetween(
      1,
      10,
    )({
      default: 1,
      desc: `Replication factor of ${topics} when this service creates it (3 in production)`,
    }),
  };
}

/** Whether this process relays the outbox to Kafka. */
export const outboxRelayConfig = {
  OUTBOX_RELAY: bool({
    default: true,
    desc: 'Relay the outbox to Kafka from this process (every replica may; they take turns)',
  }),
};

/** Whether this process runs the service's Kafka consumers (`topics`: what they consume). */
export function consumersConfig(topics: string) {
  return {
    CONSUMERS_RUN: bool({ default: true, desc: `Consume ${topics} in this process` }),
  };
}

/** Where a service other than IAM finds IAM's public token keys. */
export const iamClientConfig = {
  IAM_JWKS_URL: httpUrl({
    desc: "IAM's public token keys, e.g. http://iam:8080/v3/auth/jwks (tokens are verified locally)",
  }),
};

/** The shortest operator token accepted. */
export const MIN_OPERATOR_TOKEN_LENGTH = 24;

/**
 * The shared secret of the service's operator API (`api`: its routes, and what to do
 * without it), sent in X-Operator-Token. Unset, that API is disabled.
 */
export function operatorConfig(api: string) {
  return {
    OPERATOR_TOKEN: secret(
      minLength(MIN_OPERATOR_TOKEN_LENGTH)({
        default: undefined,
        desc: `Shared secret of the operator API (${api}) in the X-Operator-Token header. Unset: that API is disabled`,
      }),
    ),
  };
}
