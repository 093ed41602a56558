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
  operatorConfig,
  outboxRelayConfig,
} from '@maas/config';

/** What the database half needs: the service and `migrate` share it. */
export const databaseConfigSchema = {
  ...databaseConfig('quotas'),
  ...logConfig,
};

/** The installation's default quotas (operator overrides replace them per account/project). */
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
  ...httpServerConfig,
  ...kafkaConfig('maas.quotas.v1'),
  ...outboxRelayConfig,
  ...consumersConfig('maas.usage.v1, maas.deployments.v1, maas.keys.v1 and maas.iam.v1'),
  ...migrationsConfig,
  ...iamClientConfig,
  ...operatorConfig('PUT /v1/{project_id}/quotas: quota overrides'),
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
