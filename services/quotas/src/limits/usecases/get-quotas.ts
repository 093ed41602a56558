import { Inject, Injectable } from '@nestjs/common';
import { QUOTAS_CONFIG, type QuotasConfig } from '../../config.js';
import { FreeQuotaRepository } from '../../free-quota/free-quota.repository.js';
import { KnownKeysRepository } from '../../policies/known-keys.repository.js';
import { type QuotaResourceResponse } from '../dto/quotas.dto.js';
import { effectiveLimits, freeTokenQuota } from '../../effective-limits/quota-limits.js';
import { QuotaOverridesRepository } from '../../effective-limits/quota-overrides.repository.js';

/** The quotas in force for an account and its project, with what is used. */
@Injectable()
export class GetQuotas {
  constructor(
    private readonly overrides: QuotaOverridesRepository,
    private readonly keys: KnownKeysRepository,
    private readonly freeUsage: FreeQuotaRepository,
    @Inject(QUOTAS_CONFIG) private readonly config: QuotasConfig,
  ) {}

  async execute(accountId: string, projectId: string): Promise<QuotaResourceResponse[]> {
    const [overrides, keysUsed, usage] = await Promise.all([
      this.overrides.ofAccount(accountId),
      this.keys.countActive(accountId),
      this.freeUsage.ofProject(accountId, projectId),
    ]);
    const limits = effectiveLimits(this.config, overrides);
    const c = this.config;
    const models = [
      ...new Set([
        ...limits.freeTokens.filter((f) => f.projectId === projectId).map((f) => f.model),
        ...usage.map((u) => u.model),
      ]),
    ].sort();
    return [
      {
        type: 'api_keys',
        quota: limits.maxApiKeys,
        default: c.DEFAULT_MAX_API_KEYS,
        used: keysUsed,
      },
      { type: 'agencies', quota: limits.maxAgencies, default: c.DEFAULT_MAX_AGENCIES },
      {
        type: 'pool_npus',
        pool_id: '*',
        quota: limits.defaultPoolNpus,
        default: c.DEFAULT_POOL_NPUS,
      },
      ...limits.poolNpus
        .filter((p) => p.projectId === projectId)
        .map((p): QuotaResourceResponse => ({
          type: 'pool_npus',
          pool_id: p.poolId,
          quota: p.npus,
          default: c.DEFAULT_POOL_NPUS,
        })),
      {
        type: 'free_tokens',
        model: '*',
        quota: limits.defaultFreeTokens,
        default: c.DEFAULT_FREE_TOKENS,
      },
      ...models.map((model): QuotaResourceResponse => {
        const used = usage.find((u) => u.model === model);
        return {
          type: 'free_tokens',
          model,
          quota: freeTokenQuota(limits, projectId, model),
          default: c.DEFAULT_FREE_TOKENS,
          used: used?.used ?? 0,
          exhausted: used?.exhaustedAt != null,
        };
      }),
    ];
  }
}
