import { type EventInput, FreeQuotaExhaustedSchema, FreeQuotaRestoredSchema } from '@maas/events';
import { type FreeTokenUsage } from './free-quota.repository.js';

const aggregate = (u: FreeTokenUsage) => ({
  accountId: u.accountId,
  projectId: u.projectId,
  aggregateType: 'free_quota',
  aggregateId: `${u.projectId}:${u.model}`,
});

/** The project used up the model's free tokens: the gateway answers ModelArts.81005. */
export function freeQuotaExhausted(
  u: FreeTokenUsage,
  quota: number,
): EventInput<typeof FreeQuotaExhaustedSchema> {
  return {
    schema: FreeQuotaExhaustedSchema,
    payload: {
      accountId: u.accountId,
      projectId: u.projectId,
      model: u.model,
      quotaTokens: BigInt(quota),
      usedTokens: BigInt(u.used),
    },
    ...aggregate(u),
  };
}

/** The quota was raised above what was used: calls work again. */
export function freeQuotaRestored(
  u: FreeTokenUsage,
  quota: number,
): EventInput<typeof FreeQuotaRestoredSchema> {
  return {
    schema: FreeQuotaRestoredSchema,
    payload: {
      accountId: u.accountId,
      projectId: u.projectId,
      model: u.model,
      quotaTokens: BigInt(quota),
      usedTokens: BigInt(u.used),
    },
    ...aggregate(u),
  };
}
