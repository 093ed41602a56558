import { EnvError, makeValidator } from 'envalid';
import {
  type Config,
  databaseConfig,
  httpServerConfig,
  intBetween,
  kafkaConfig,
  kafkaTopicPrefixConfig,
  logConfig,
  migrationsConfig,
  operatorConfig,
  outboxRelayConfig,
  secret,
  str,
} from '@maas/config';
import { quotaLimitsConfig } from './quota-limits/quota-limits.config.js';

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

/** What the database half needs: the service, `migrate` and `bootstrap` share it. */
export const databaseConfigSchema = {
  ...databaseConfig('iam'),
  ...logConfig,
};

/** What account creation needs (the service and the bootstrap command). */
export const accountConfigSchema = {
  REGIONS: regionList({
    default: Object.freeze(['cn-southwest-2']),
    desc: 'Regions of this installation, comma-separated; every account gets one project per region',
  }),
  ...kafkaTopicPrefixConfig,
};

/** The IAM service's environment. */
export const iamConfigSchema = {
  ...databaseConfigSchema,
  ...accountConfigSchema,
  ...httpServerConfig,
  ...kafkaConfig('maas.iam.v1'),
  ...outboxRelayConfig,
  ...quotaLimitsConfig,
  ...migrationsConfig,
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
  ...operatorConfig(
    'POST /v3/accounts, GET /v3/accounts/{id}; without it, create accounts with the bootstrap command',
  ),
};

export type DatabaseConfig = Config<typeof databaseConfigSchema>;
export type AccountConfig = Config<typeof accountConfigSchema>;
export type IamConfig = Config<typeof iamConfigSchema>;

/** The injection token of the service's validated configuration. */
export const IAM_CONFIG = Symbol('IAM_CONFIG');
