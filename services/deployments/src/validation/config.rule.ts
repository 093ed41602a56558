import { type Flavor, type ResolvedModel } from '../catalog/catalog.types.js';
import { type ModelCatalog } from '../catalog/model-catalog.js';
import { instanceCountProblem } from './limits.js';
import { checkModelSelection } from './model-selection.rule.js';
import { checkPool, type PoolContext } from './pool.rule.js';
import { type Checked, invalid, valid } from './rule.js';

export interface ServicePlacement {
  readonly resolved: ResolvedModel;
  readonly flavor: Flavor;
  readonly instances: number;
  readonly poolId: string;
}

/**
 * `config`: exactly one entry. ModelArts accepts several (traffic split between models);
 * a MaaS service serves one model, so we take one.
 */
export function checkConfig(
  value: unknown,
  catalog: ModelCatalog,
  context: PoolContext,
): Checked<ServicePlacement> {
  if (!Array.isArray(value) || value.length !== 1)
    return invalid({ field: 'config', problem: 'must contain exactly one model configuration' });
  const entry = (typeof value[0] === 'object' && value[0] !== null ? value[0] : {}) as Record<
    string,
    unknown
  >;
  const at = (field: string) => `config[0].${field}`;
  const selection = checkModelSelection(entry, catalog, at);
  const instanceProblem = instanceCountProblem(entry.instance_count);
  const pool = checkPool(entry.cluster_id, entry.specification, context, at);
  const problems = [
    ...selection.problems,
    ...(instanceProblem ? [{ field: at('instance_count'), problem: instanceProblem }] : []),
    ...pool.problems,
  ];
  if (problems.length > 0 || !selection.value || pool.value === undefined)
    return invalid(...problems);
  return valid({
    ...selection.value,
    instances: entry.instance_count as number,
    poolId: pool.value,
  });
}
