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

/** What the database half needs: the service and the `migrate` entrypoint share it. */
export const databaseConfigSchema = {
  DATABASE_URL: postgresUrl({ desc: 'PostgreSQL URL, e.g. postgres://user:pass@host:5432/maas' }),
  DB_SCHEMA: sqlIdentifier({ default: 'iam', desc: "PostgreSQL schema of IAM's tables" }),
  LOG_LEVEL: logLevel({ default: 'info' }),
};

/** The IAM service's environment. */
export const iamConfigSchema = {
  ...databaseConfigSchema,
  NODE_ENV: nodeEnv({ default: 'production' }),
  HOST: host({ default: '127.0.0.1', desc: 'Address to bind (0.0.0.0 in a container)' }),
  PORT: port({ default: 8080 }),
  KAFKA_BROKERS: brokerList({ desc: 'Kafka bootstrap brokers, host:port,host:port' }),
  MIGRATIONS_RUN: bool({
    default: true,
    desc: 'Run pending migrations at start, under a PostgreSQL advisory lock',
  }),
  SHUTDOWN_DELAY_MS: num({
    default: 0,
    desc: 'On SIGTERM, report not-ready this long before closing the server',
  }),
  TOKEN_SIGNING_KEY: secret(str({ default: undefined, desc: 'Private key that signs tokens' })),
};

export type DatabaseConfig = Config<typeof databaseConfigSchema>;
export type IamConfig = Config<typeof iamConfigSchema>;
