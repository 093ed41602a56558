import { intBetween } from '@maas/config';

/** The NPU quota settings of admission (src/quota-limits/), spread into deploymentsConfigSchema. */
export const quotaLimitsConfig = {
  DEFAULT_POOL_NPUS: intBetween(
    0,
    1_000_000,
  )({
    default: 64,
    desc: 'NPUs a project may use in one pool until maas.quotas.v1 says otherwise (the quotas service default, 64)',
  }),
};
