import { type EventInput, FreeQuotaExhaustedSchema, FreeQuotaRestoredSchema } from '@maas/events';
import { type FreeTokenUsage } from './free-quota.repository.js';

const aggregate = (u: FreeTokenUsage) => ({
  accountId: u.accountId,
  projectId: u.projectId,
  aggregateType: 'free_quota',
  aggregateId: `${u.projectId}:${u.model}`,
});

/** Both events carry the same figures: the project's model, its quota and what was used. */
const figures = (u: FreeTokenUsage, quota: number) => ({
  accountId: u.accountId,
  projectId: u.projectId,
  model: u.model,
  quotaTokens: BigInt(quota),
  usedTokens: BigInt(u.used),
});

/** The project used up the model's free tokens: the gateway answers ModelArts.81005. */
export function freeQuotaExhausted(
  u: FreeTokenUsage,
  quota: number,
): EventInput<typeof FreeQuotaExhaustedSchema> {
  return {
    schema: FreeQuotaExhaustedSchema,
    payload: figures(u, quota),
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
    payload: figures(u, quota),
    ...aggregate(u),
  };
}
