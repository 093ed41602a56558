import { Inject, Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { quoteIdent } from '@maas/database';
import { DEPLOYMENTS_CONFIG, type DeploymentsConfig } from '../config.js';
import { type NpuClaim, NpuClaims } from '../model-services/npu-claims.port.js';
import { PoolsRepository } from '../pools/pools.repository.js';
import { ClaimTurns } from './claim-turns.js';
import { PoolNpuQuotaExceededError } from './pool-npu-quota.error.js';
import { poolNpuQuota, withinQuota } from './pool-npu-quota.js';
import { QuotaLimitsRepository } from './quota-limits.repository.js';

/** States whose service holds (or waits for) its NPUs; stopped, failed and deleting do not. */
const RELEASED_STATES = ['stopped', 'deployment_failed', 'deleting'];

/**
 * Admission's pool_npus check (SPEC §7), the store's NpuClaims: a deploy, start or scale-out
 * that would take the project's services in the pool past its NPU quota is refused with a
 * 403 at once, instead of queuing for room that only the project itself could free. Runs in
 * the change's transaction after taking a transaction-scoped advisory lock of the (project,
 * pool): a concurrent claim waits until this one commits or rolls back and then counts it, so
 * two requests cannot both take the last NPUs.
 */
@Injectable()
export class PoolNpuQuotaCheck extends NpuClaims {
  private readonly services: string;
  private readonly turns = new ClaimTurns();

  constructor(
    private readonly limits: QuotaLimitsRepository,
    private readonly pools: PoolsRepository,
    @Inject(DEPLOYMENTS_CONFIG) config: DeploymentsConfig,
  ) {
    super();
    this.services = `${quoteIdent(config.DB_SCHEMA)}.model_services`;
  }

  /** See ClaimTurns: one transaction per (project, pool) of this process waits for the lock. */
  inTurn<T>(where: Pick<NpuClaim, 'projectId' | 'poolId'>, change: () => Promise<T>): Promise<T> {
    return this.turns.run(`${where.projectId}/${where.poolId}`, change);
  }

  async claim(manager: EntityManager, claim: NpuClaim): Promise<void> {
    const { projectId, poolId } = claim;
    await manager.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [
      `${this.services}:pool_npus`,
      `${projectId}/${poolId}`,
    ]);
    // Every read on the transaction's own connection: waiting for a second pooled connection
    // while holding this one (and the lock) deadlocks a burst that fills the pool.
    const limits = await this.limits.limitsOf(claim.accountId, manager);
    const quota = poolNpuQuota(limits, projectId, poolId);
    const held = await this.heldNpus(manager, claim);
    const figures = { requested: claim.npus, held, quota };
    if (withinQuota(figures)) return;
    const poolName = (await this.pools.find(projectId, poolId, manager))?.name ?? poolId;
    throw new PoolNpuQuotaExceededError({ projectId, poolId, poolName }, figures);
  }

  /**
   * NPUs the project's other services in the pool hold or wait for. Read from the services
   * table in SQL, not through model-services (which calls this check: no import back).
   */
  private async heldNpus(
    manager: EntityManager,
    { projectId, poolId, serviceId }: NpuClaim,
  ): Promise<number> {
    const [row] = await manager.query<{ npus: string }[]>(
      `SELECT coalesce(sum(instances * npus_per_instance), 0) AS npus FROM ${this.services}
        WHERE project_id = $1 AND pool_id = $2 AND state <> ALL($3::text[]) AND id <> $4::uuid`,
      [projectId, poolId, RELEASED_STATES, serviceId],
    );
    return Number(row?.npus ?? 0);
  }
}
