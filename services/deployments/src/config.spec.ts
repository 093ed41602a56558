import { describe, expect, it } from 'vitest';
import { loadConfig, withDeprecatedSettings } from '@maas/config';
import { DEPRECATED_SETTINGS, deploymentsConfigSchema } from './config.js';

const required = {
  DATABASE_URL: 'postgres://maas@127.0.0.1:5432/maas',
  KAFKA_BROKERS: '127.0.0.1:9092',
  REDIS_URL: 'redis://127.0.0.1:6379',
  IAM_JWKS_URL: 'http://iam:8080/v3/auth/jwks',
};

describe('deployments settings', () => {
  it('names the settings every service has as the shared fragments do', () => {
    const config = loadConfig(deploymentsConfigSchema, { ...required, CONSUMERS_RUN: 'false' });
    expect(config).toMatchObject({
      CONSUMERS_RUN: false,
      OUTBOX_RELAY: true,
      MIGRATIONS_RUN: true,
      DB_SCHEMA: 'deployments',
      PORT: 8080,
      KAFKA_TOPIC_PARTITIONS: 3,
    });
    expect(config).not.toHaveProperty('IAM_PROJECTION');
  });

  it('requires IAM_JWKS_URL like every other service (no localhost default)', () => {
    const withoutJwks: Record<string, string> = { ...required };
    delete withoutJwks.IAM_JWKS_URL;
    expect(() => loadConfig(deploymentsConfigSchema, withoutJwks)).toThrow(/IAM_JWKS_URL/);
  });

  it('still reads the deprecated IAM_PROJECTION as CONSUMERS_RUN, and says it was used', () => {
    const { env, used } = withDeprecatedSettings(
      { ...required, IAM_PROJECTION: 'false' },
      DEPRECATED_SETTINGS,
    );
    expect(loadConfig(deploymentsConfigSchema, env).CONSUMERS_RUN).toBe(false);
    expect(used).toEqual(['IAM_PROJECTION (now CONSUMERS_RUN)']);
  });

  it('lets the new name win when both are set', () => {
    const { env } = withDeprecatedSettings(
      { ...required, IAM_PROJECTION: 'false', CONSUMERS_RUN: 'true' },
      DEPRECATED_SETTINGS,
    );
    expect(loadConfig(deploymentsConfigSchema, env).CONSUMERS_RUN).toBe(true);
  });
});
