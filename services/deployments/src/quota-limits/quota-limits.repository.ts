import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { quoteIdent } from '@maas/database';
import { DEPLOYMENTS_CONFIG, type DeploymentsConfig } from '../config.js';
import { type PoolNpuLimits } from './pool-npu-quota.js';

/**
 * The NPU limits of each account, projected from maas.quotas.v1 QuotaLimitsChanged (whole
 * snapshots, newest version wins); an account without one gets DEFAULT_POOL_NPUS per pool.
 */
@Injectable()
export class QuotaLimitsRepository {
  private readonly table: string;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(DEPLOYMENTS_CONFIG) private readonly config: DeploymentsConfig,
  ) {
    this.table = `${quoteIdent(config.DB_SCHEMA)}.pool_npu_limits`;
  }

  async limitsOf(
    accountId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<PoolNpuLimits> {
    const rows = await manager.query<
      { default_pool_npus: number; pool_npus: PoolNpuLimits['poolNpus'] }[]
    >(`SELECT default_pool_npus, pool_npus FROM ${this.table} WHERE account_id = $1`, [accountId]);
    if (!rows[0]) return { defaultPoolNpus: this.config.DEFAULT_POOL_NPUS, poolNpus: [] };
    return { defaultPoolNpus: rows[0].default_pool_npus, poolNpus: rows[0].pool_npus };
  }

  /** Stores an account's limits unless a newer version is already there. */
  async apply(
    manager: EntityManager,
    accountId: string,
    limits: PoolNpuLimits,
    version: bigint,
  ): Promise<void> {
    const poolNpus = limits.poolNpus.map(({ projectId, poolId, npus }) => ({
      projectId,
      poolId,
      npus,
    }));
    await manager.query(
      `INSERT INTO ${this.table} (account_id, default_pool_npus, pool_npus, version, updated_at)
       VALUES ($1, $2, $3::jsonb, $4, now())
       ON CONFLICT (account_id) DO UPDATE SET
         default_pool_npus = EXCLUDED.default_pool_npus, pool_npus = EXCLUDED.pool_npus,
         version = EXCLUDED.version, updated_at = now()
       WHERE ${this.table}.version <= EXCLUDED.version`,
      [accountId, limits.defaultPoolNpus, JSON.stringify(poolNpus), version.toString()],
    );
  }
}
