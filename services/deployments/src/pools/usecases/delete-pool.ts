import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type ProjectRequestContext } from '@maas/auth';
import { DELETE_CONFIRMATION } from '../../lifecycle/index.js';
import { InvalidPoolError, PoolInUseError, PoolNotFoundError } from '../pools.errors.js';
import { PoolsRepository } from '../pools.repository.js';
import { ServicesOnPool } from '../services-on-pool.port.js';

/** Deletes a pool without services (`{"confirm": "DELETE"}`); its nodes are untouched. */
@Injectable()
export class DeletePool {
  constructor(
    private readonly dataSource: DataSource,
    private readonly pools: PoolsRepository,
    private readonly services: ServicesOnPool,
  ) {}

  async execute(ctx: ProjectRequestContext, poolId: string, confirm: unknown): Promise<void> {
    if (confirm !== DELETE_CONFIRMATION)
      throw new InvalidPoolError([
        { field: 'confirm', problem: `must be "${DELETE_CONFIRMATION}" to delete the pool` },
      ]);
    await this.dataSource.transaction(async (manager) => {
      const pool = await this.pools.find(ctx.projectId, poolId, manager);
      if (!pool) throw new PoolNotFoundError(poolId);
      await this.pools.lock(manager, pool.id);
      const services = await this.services.serviceNamesOn(pool.id, undefined, manager);
      if (services.length > 0) throw new PoolInUseError(pool.id, services);
      await this.pools.delete(manager, pool);
    });
  }
}
