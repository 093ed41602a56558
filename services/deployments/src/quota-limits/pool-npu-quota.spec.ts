import { describe, expect, it } from 'vitest';
import { poolNpuQuota, withinQuota } from './pool-npu-quota.js';

const limits = {
  defaultPoolNpus: 64,
  poolNpus: [
    { projectId: 'p1', poolId: 'pool-a', npus: 16 },
    { projectId: 'p2', poolId: 'pool-a', npus: 0 },
  ],
};

describe('the pool_npus quota', () => {
  it('is the (project, pool) override, else the account default per pool', () => {
    expect(poolNpuQuota(limits, 'p1', 'pool-a')).toBe(16);
    expect(poolNpuQuota(limits, 'p1', 'pool-b')).toBe(64); // another pool
    expect(poolNpuQuota(limits, 'p3', 'pool-a')).toBe(64); // another project
    expect(poolNpuQuota(limits, 'p2', 'pool-a')).toBe(0); // an override of 0 forbids the pool
  });

  it('fits up to the quota exactly, not beyond', () => {
    expect(withinQuota({ requested: 6, held: 10, quota: 16 })).toBe(true);
    expect(withinQuota({ requested: 7, held: 10, quota: 16 })).toBe(false);
    expect(withinQuota({ requested: 1, held: 0, quota: 0 })).toBe(false);
  });
});
