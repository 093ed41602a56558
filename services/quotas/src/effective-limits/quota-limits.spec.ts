import { describe, expect, it } from 'vitest';
import { effectiveLimits, freeTokenQuota } from './quota-limits.js';

const defaults = {
  DEFAULT_MAX_API_KEYS: 30,
  DEFAULT_MAX_AGENCIES: 50,
  DEFAULT_POOL_NPUS: 64,
  DEFAULT_FREE_TOKENS: 1_000,
};

describe('effectiveLimits', () => {
  it('applies overrides over the defaults', () => {
    const limits = effectiveLimits(defaults, [
      { projectId: '', resource: 'api_keys', subject: '', value: 40 },
      { projectId: 'p2', resource: 'pool_npus', subject: 'pool-b', value: 8 },
      { projectId: 'p1', resource: 'pool_npus', subject: 'pool-a', value: 16 },
      { projectId: 'p1', resource: 'free_tokens', subject: 'DeepSeek-R1', value: 5 },
    ]);
    expect(limits).toEqual({
      maxApiKeys: 40,
      maxAgencies: 50,
      defaultPoolNpus: 64,
      defaultFreeTokens: 1_000,
      poolNpus: [
        { projectId: 'p1', poolId: 'pool-a', npus: 16 },
        { projectId: 'p2', poolId: 'pool-b', npus: 8 },
      ],
      freeTokens: [{ projectId: 'p1', model: 'DeepSeek-R1', tokens: 5 }],
    });
    expect(freeTokenQuota(limits, 'p1', 'DeepSeek-R1')).toBe(5);
    expect(freeTokenQuota(limits, 'p2', 'DeepSeek-R1')).toBe(1_000);
  });

  it('is the defaults without overrides', () => {
    expect(effectiveLimits(defaults, [])).toMatchObject({
      maxApiKeys: 30,
      maxAgencies: 50,
      poolNpus: [],
      freeTokens: [],
    });
  });
});
