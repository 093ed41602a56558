import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  consumersConfig,
  databaseConfig,
  describeConfig,
  httpServerConfig,
  iamClientConfig,
  intBetween,
  kafkaConfig,
  loadConfig,
  logConfig,
  migrationsConfig,
  minLength,
  operatorConfig,
  outboxRelayConfig,
} from './index.js';

const schema = {
  ...databaseConfig('keys'),
  ...logConfig,
  ...httpServerConfig,
  ...kafkaConfig('maas.keys.v1'),
  ...outboxRelayConfig,
  ...consumersConfig('maas.iam.v1'),
  ...migrationsConfig,
  ...iamClientConfig,
  ...operatorConfig('PUT /v1/{project_id}/quotas'),
};

const required = {
  DATABASE_URL: 'postgres://maas:pw@127.0.0.1:5432/maas',
  KAFKA_BROKERS: '127.0.0.1:9092',
  IAM_JWKS_URL: 'http://127.0.0.1:3001/v3/auth/jwks',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(schema, { ...required, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => p.name);
    throw error;
  }
  return [];
}

describe('schema fragments', () => {
  it('give every service the same defaults', () => {
    expect(loadConfig(schema, required)).toEqual({
      ...required,
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      DB_SCHEMA: 'keys',
      LOG_LEVEL: 'info',
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: 8080,
      SHUTDOWN_DELAY_MS: 0,
      KAFKA_TOPIC_PREFIX: '',
      KAFKA_TOPIC_PARTITIONS: 3,
      KAFKA_REPLICATION_FACTOR: 1,
      OUTBOX_RELAY: true,
      CONSUMERS_RUN: true,
      MIGRATIONS_RUN: true,
      OPERATOR_TOKEN: undefined,
    });
  });

  it('name what the service makes in the descriptions', () => {
    expect(schema.DB_SCHEMA.desc).toContain('keys');
    expect(schema.KAFKA_TOPIC_PARTITIONS.desc).toContain('maas.keys.v1');
    expect(schema.CONSUMERS_RUN.desc).toContain('maas.iam.v1');
    expect(schema.OPERATOR_TOKEN.desc).toContain('PUT /v1/{project_id}/quotas');
  });

  it('require what has no default, and validate the rest', () => {
    expect(problemsOf({ DATABASE_URL: '', KAFKA_BROKERS: '', IAM_JWKS_URL: '' })).toEqual([
      'DATABASE_URL',
      'KAFKA_BROKERS',
      'IAM_JWKS_URL',
    ]);
    expect(
      problemsOf({
        DB_SCHEMA: 'Not-An-Identifier',
        KAFKA_TOPIC_PARTITIONS: '0',
        KAFKA_REPLICATION_FACTOR: '11',
        OPERATOR_TOKEN: 'too-short',
      }),
    ).toEqual([
      'DB_SCHEMA',
      'KAFKA_TOPIC_PARTITIONS',
      'KAFKA_REPLICATION_FACTOR',
      'OPERATOR_TOKEN',
    ]);
  });

  it('keep the operator token secret', () => {
    const token = 'operator-token-0123456789abcdef';
    const config = loadConfig(schema, { ...required, OPERATOR_TOKEN: token });
    expect(config.OPERATOR_TOKEN).toBe(token);
    expect(JSON.stringify(describeConfig(config))).not.toContain(token);
  });
});

describe('intBetween and minLength', () => {
  const bounded = {
    N: intBetween(1, 10)({ default: 5 }),
    BIG: intBetween(0, Number.MAX_SAFE_INTEGER)({ default: 0 }),
    S: minLength(4)({ default: 'abcd' }),
  };
  const load = (env: Record<string, string>) => loadConfig(bounded, env);

  it('accept integers within bounds and strings long enough', () => {
    expect(load({ N: '10', BIG: String(Number.MAX_SAFE_INTEGER), S: 'abcde' })).toEqual({
      N: 10,
      BIG: Number.MAX_SAFE_INTEGER,
      S: 'abcde',
    });
  });

  it.each([
    [{ N: '0' }, /N: is invalid: must be an integer from 1 to 10/],
    [{ N: '11' }, /N: is invalid/],
    [{ N: '2.5' }, /N: is invalid/],
    [{ N: 'abc' }, /N: is invalid/],
    [{ BIG: '9007199254740993' }, /BIG: is invalid/],
    [{ S: 'abc' }, /S: is invalid: must be at least 4 characters/],
  ])('refuse %o', (env, message) => {
    expect(() => load(env)).toThrow(message);
  });
});
