import { MIN_PEPPER_LENGTH } from '@maas/api-keys';
import {
  type Config,
  consumersConfig,
  databaseConfig,
  httpServerConfig,
  iamClientConfig,
  intBetween,
  kafkaConfig,
  logConfig,
  migrationsConfig,
  minLength,
  operatorConfig,
  outboxRelayConfig,
  secret,
} from '@maas/config';

/** What the database half needs: the service and `migrate` share it. */
/**
 * The longest grace period any installation may configure (MAX_GRACE_PERIOD_SECONDS): also
 * the request DTO's static bound. The configured value is the rule, and the OpenAPI schema
 * states it (app.setup.ts), so there is one maximum per installation.
 */
export const GRACE_PERIOD_CEILING_SECONDS = 30 * 86_400;

export const databaseConfigSchema = {
  ...databaseConfig('keys'),
  ...logConfig,
};

/** The keys service's environment. */
export const keysConfigSchema = {
  ...databaseConfigSchema,
  ...httpServerConfig,
  ...kafkaConfig('maas.keys.v1'),
  ...outboxRelayConfig,
  ...consumersConfig('maas.iam.v1, maas.quotas.v1 and maas.usage.v1'),
  ...migrationsConfig,
  ...iamClientConfig,
  ...operatorConfig('PUT /v1/{project_id}/api-keys/{key_id}/frozen'),
  API_KEY_PEPPER: secret(
    minLength(MIN_PEPPER_LENGTH)({
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
    GRACE_PERIOD_CEILING_SECONDS,
  )({
    default: 7 * 86_400,
    desc: 'Longest grace period a rotation may give the old secret',
  }),
};

export type DatabaseConfig = Config<typeof databaseConfigSchema>;
export type KeysConfig = Config<typeof keysConfigSchema>;

/** The injection token of the service's validated configuration. */
export const KEYS_CONFIG = Symbol('KEYS_CONFIG');
