import { consumersConfig, intBetween } from '@maas/config';

/** IAM's settings for the quotas it takes from maas.quotas.v1 (spread into iamConfigSchema). */
export const quotaLimitsConfig = {
  ...consumersConfig('maas.quotas.v1'),
  DEFAULT_MAX_AGENCIES: intBetween(
    1,
    10_000,
  )({
    default: 50,
    desc: 'Agencies per account until maas.quotas.v1 says otherwise (seed 002 §2.2: 50)',
  }),
};
