import { Injectable } from '@nestjs/common';
import { type ProjectRequestContext } from '@maas/auth';
import { ModelCatalog } from '../../catalog/index.js';
import { type PoolResponse, type UpdatePoolRequest } from '../dto/pool.dto.js';
import { accountNodeSelector } from '../../workloads/account-nodes.js';
import { accountProblems } from '../pool-isolation.js';
import { checkPoolFields } from '../pool-rules.js';
import { FlavorInUseError, InvalidPoolError, PoolNotFoundError } from '../pools.errors.js';
import { PoolsRepository } from '../pools.repository.js';
import { ServicesOnPool } from '../services-on-pool.port.js';
import { PoolView } from './pool-view.js';

/**
 * Changes a pool's description, node selection, taint, NPU resource or flavors (name and
 * region are fixed). A flavor still used by a service cannot be removed. A new selector gets
 * the account label again: an update cannot point the pool at another account's nodes.
 */
@Injectable()
export class UpdatePool {
  constructor(
    private readonly pools: PoolsRepository,
    private readonly catalog: ModelCatalog,
    private readonly view: PoolView,
    private readonly services: ServicesOnPool,
  ) {}

  async execute(
    ctx: ProjectRequestContext,
    poolId: string,
    body: UpdatePoolRequest,
  ): Promise<PoolResponse> {
    const pool = await this.pools.find(ctx.projectId, poolId);
    if (!pool) throw new PoolNotFoundError(poolId);
    const { value, problems } = checkPoolFields(body, this.catalog);
    problems.push(...accountProblems(value, pool.accountId));
    if (problems.length > 0) throw new InvalidPoolError(problems);
    if (value.nodeSelector)
      value.nodeSelector = accountNodeSelector(value.nodeSelector, pool.accountId);
    if (value.flavorIds) {
      const removed = pool.flavorIds.filter((id) => !value.flavorIds?.includes(id));
      const users = removed.length > 0 ? await this.services.serviceNamesOn(pool.id, removed) : [];
      if (users.length > 0) throw new FlavorInUseError(removed, users);
    }
    await this.pools.update(pool, value);
    const updated = await this.pools.find(ctx.projectId, poolId);
    if (!updated) throw new PoolNotFoundError(poolId);
    return this.view.of(updated);
  }
}
