import { type EventInput, QuotaLimitsChangedSchema } from '@maas/events';
import { type EffectiveLimits } from '../effective-limits/quota-limits.js';

/** The account's quotas in force, whole (the topic is compacted by account id). */
export function quotaLimitsChanged(
  accountId: string,
  limits: EffectiveLimits,
  version: bigint,
  requestId?: string,
): EventInput<typeof QuotaLimitsChangedSchema> {
  return {
    schema: QuotaLimitsChangedSchema,
    payload: {
      accountId,
      maxApiKeys: limits.maxApiKeys,
      maxAgencies: limits.maxAgencies,
      defaultPoolNpus: limits.defaultPoolNpus,
      defaultFreeTokens: BigInt(limits.defaultFreeTokens),
      poolNpus: limits.poolNpus,
      freeTokens: limits.freeTokens.map((f) => ({ ...f, tokens: BigInt(f.tokens) })),
      version,
    },
    accountId,
    aggregateType: 'quota_limits',
    aggregateId: accountId,
    ...(requestId ? { requestId } : {}),
  };
}
