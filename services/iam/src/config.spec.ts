import { describe, expect, it } from 'vitest';
import { type ConfigError, describeConfig, loadConfig } from '@maas/config';
import { iamConfigSchema } from './config.js';

const base = { DATABASE_URL: 'postgres://u:p@db:5432/maas', KAFKA_BROKERS: 'k:9092' };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(iamConfigSchema, { ...base, ...env });
    return [];
  } catch (error) {
    return (error as ConfigError).problems.map((p) => `${p.name}: ${p.reason}`);
  }
}

describe('IAM configuration', () => {
  it('has defaults for everything but the database and Kafka', () => {
    const config = loadConfig(iamConfigSchema, base);
    expect(config).toMatchObject({
      REGIONS: ['cn-southwest-2'],
      TOKEN_TTL_SECONDS: 86_400,
      KAFKA_TOPIC_PREFIX: '',
      OUTBOX_RELAY: true,
      OPERATOR_TOKEN: undefined,
      TOKEN_SIGNING_KEY: undefined,
    });
  });

  it('reads a region list, refusing what is not a region id', () => {
    expect(
      loadConfig(iamConfigSchema, {
        ...base,
        REGIONS: ' cn-southwest-2, ap-southeast-1 ,cn-southwest-2',
      }).REGIONS,
    ).toEqual(['cn-southwest-2', 'ap-southeast-1']);
    expect(problems({ REGIONS: 'cn-southwest-2,Mars' })).toEqual([
      'REGIONS: is invalid: entry 2 is not a region id such as cn-southwest-2',
    ]);
  });

  it('bounds the token lifetime and refuses a short operator token without showing it', () => {
    expect(problems({ TOKEN_TTL_SECONDS: '10' })[0]).toMatch(
      /TOKEN_TTL_SECONDS: is invalid: must be an integer from 60/,
    );
    const [operator] = problems({ OPERATOR_TOKEN: 'short-secret' });
    expect(operator).toMatch(/^OPERATOR_TOKEN: is invalid \(secret/);
    expect(operator).not.toContain('short-secret');
  });

  it('never describes the secrets', () => {
    const config = loadConfig(iamConfigSchema, {
      ...base,
      OPERATOR_TOKEN: 'x'.repeat(30),
      TOKEN_SIGNING_KEY: '-----BEGIN PRIVATE KEY-----',
    });
    const described = JSON.stringify(describeConfig(config));
    expect(described).not.toContain('x'.repeat(30));
    expect(described).not.toContain('BEGIN PRIVATE KEY');
  });
});
