import { type FieldProblem } from './invalid-fields.error.js';
import { type PoolSnapshot } from './deploy-request.js';
import { type Checked, invalid, isNonEmptyString, valid } from './rule.js';

export interface PoolContext {
  /** The pools of the caller's project, by id; checks are skipped when not given. */
  readonly pools?: ReadonlyMap<string, PoolSnapshot>;
  /** The project's region; a pool must be in it (seed 002 §3 note). */
  readonly region?: string;
}

/** "Resource Pool": a dedicated pool of the project, in its region, offering the flavor. */
export function checkPool(
  clusterId: unknown,
  flavorId: unknown,
  context: PoolContext,
  at: (field: string) => string,
): Checked<string> {
  if (!isNonEmptyString(clusterId))
    return invalid({
      field: at('cluster_id'),
      problem: 'must be the id of a dedicated resource pool',
    });
  if (!context.pools) return valid(clusterId);
  const pool = context.pools.get(clusterId);
  if (!pool)
    return invalid({ field: at('cluster_id'), problem: 'is not a resource pool of this project' });
  const problems: FieldProblem[] = [];
  if (context.region !== undefined && pool.region !== context.region)
    problems.push({
      field: at('cluster_id'),
      problem: `is in region ${pool.region}; the service must be in the pool's region (${context.region})`,
    });
  if (isNonEmptyString(flavorId) && !pool.flavorIds.includes(flavorId))
    problems.push({
      field: at('specification'),
      problem: `is not offered by pool ${pool.id} (offers: ${pool.flavorIds.join(', ') || 'none'})`,
    });
  return problems.length > 0 ? invalid(...problems) : valid(clusterId);
}
