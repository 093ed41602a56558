import { Injectable } from '@nestjs/common';
import { type ProjectRequestContext } from '@maas/auth';
import { type PoolListResponse, type PoolResponse } from '../dto/pool.dto.js';
import { PoolNotFoundError } from '../pools.errors.js';
import { PoolsRepository } from '../pools.repository.js';
import { PoolView } from './pool-view.js';

/** One pool, or the project's pools, each with live capacity. */
@Injectable()
export class GetPool {
  constructor(
    private readonly pools: PoolsRepository,
    private readonly view: PoolView,
  ) {}

  async one(ctx: ProjectRequestContext, poolId: string): Promise<PoolResponse> {
    const pool = await this.pools.find(ctx.projectId, poolId);
    if (!pool) throw new PoolNotFoundError(poolId);
    return this.view.of(pool);
  }

  async list(ctx: ProjectRequestContext): Promise<PoolListResponse> {
    const pools = await this.pools.listOf(ctx.projectId);
    const views = await Promise.all(pools.map((pool) => this.view.of(pool)));
    return { total: views.length, pools: views };
  }
}
