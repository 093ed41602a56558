import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { quoteIdent } from '@maas/database';
import { DEPLOYMENTS_CONFIG, type DeploymentsConfig } from '../config.js';
import { PoolsRepository } from '../pools/pools.repository.js';
import { PoolNpuQuotaExceededError } from './pool-npu-quota.error.js';
import { poolNpuQuota, withinQuota } from './pool-npu-quota.js';
import { QuotaLimitsRepository } from './quota-limits.repository.js';

/** States whose service holds (or waits for) its NPUs; stopped, failed and deleting do not. */
const RELEASED_STATES = ['stopped', 'deployment_failed', 'deleting'];

export interface NpuRequest {
  accountId: string;
  projectId: string;
  poolId: string;
  /** NPUs the service needs after the operation (instances × NPUs per instance). */
  requested: number;
  /** The service the operation is about (its current NPUs are not counted as held). */
  serviceId?: string;
}

/**
 * Admission's pool_npus check (SPEC §7): a deploy, start or scale-out that would take the
 * project's services in the pool past its NPU quota is refused with a 403 at once, instead
 * of queuing for room that only the project itself could free. Two requests racing each
 * other can both pass (the check is not serialized with the write); the quota is a budget,
 * not a placement, so one overshoot by a concurrent request is tolerated.
 */
@Injectable()
export class PoolNpuQuotaCheck {
  private readonly services: string;

  constructor(
    private readonly dataSource: DataSource,
    private readonly limits: QuotaLimitsRepository,
    private readonly pools: PoolsRepository,
    @Inject(DEPLOYMENTS_CONFIG) config: DeploymentsConfig,
  ) {
    this.services = `${quoteIdent(config.DB_SCHEMA)}.model_services`;
  }

  async assertFits(request: NpuRequest): Promise<void> {
    const limits = await this.limits.limitsOf(request.accountId);
    const { projectId, poolId } = request;
    const quota = poolNpuQuota(limits, projectId, poolId);
    const held = await this.heldNpus(request);
    const claim = { requested: request.requested, held, quota };
    if (withinQuota(claim)) return;
    const poolName = (await this.pools.find(projectId, poolId))?.name ?? poolId;
    throw new PoolNpuQuotaExceededError({ projectId, poolId, poolName }, claim);
  }

  /**
   * NPUs the project's other services in the pool hold or wait for. Read from the services
   * table in SQL, not through model-services (which calls this check: no import back).
   */
  private async heldNpus({ projectId, poolId, serviceId }: NpuRequest): Promise<number> {
    const [row] = await this.dataSource.query<{ npus: string }[]>(
      `SELECT coalesce(sum(instances * npus_per_instance), 0) AS npus FROM ${this.services}
        WHERE project_id = $1 AND pool_id = $2 AND state <> ALL($3::text[])
          AND ($4::uuid IS NULL OR id <> $4::uuid)`,
      [projectId, poolId, RELEASED_STATES, serviceId ?? null],
    );
    return Number(row?.npus ?? 0);
  }
}
