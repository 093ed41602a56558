import { DomainError } from '@maas/errors';
import { type NpuClaim } from './pool-npu-quota.js';

export const POOL_NPU_QUOTA_EXCEEDED = 'DEPLOY.0407';

/**
 * 403: a deploy, start or scale-out would take the project past its pool_npus quota in the
 * pool (SPEC §7). Refused at once rather than queued: waiting would not help, since only the
 * project's own services hold that quota.
 */
export class PoolNpuQuotaExceededError extends DomainError {
  constructor(where: { projectId: string; poolId: string; poolName: string }, claim: NpuClaim) {
    const { requested, held, quota } = claim;
    super(
      POOL_NPU_QUOTA_EXCEEDED,
      'quota_exceeded',
      `This needs ${requested} NPUs in pool ${where.poolName}, but the project may use at most ${quota} NPUs there (pool_npus quota) and its other services in the pool already hold ${held}. ` +
        'Stop or scale in a service in the pool, use fewer instances or a smaller flavor, or ask the platform operator to raise the quota.',
      {
        details: {
          project_id: where.projectId,
          pool_id: where.poolId,
          quota,
          held,
          requested,
        },
      },
    );
  }
}
