import { Inject, Injectable } from '@nestjs/common';
import { type ProjectRequestContext } from '@maas/auth';
import { ModelCatalog } from '../../catalog/index.js';
import { DEPLOYMENTS_CONFIG, type DeploymentsConfig } from '../../config.js';
import { type CreatePoolRequest, type PoolResponse } from '../dto/pool.dto.js';
import { accountNodeSelector } from '../../workloads/account-nodes.js';
import { accountProblems } from '../pool-isolation.js';
import { checkEdge } from '../edge-access.js';
import { checkPoolFields, POOL_LABEL_KEY } from '../pool-rules.js';
import { InvalidPoolError } from '../pools.errors.js';
import { PoolsRepository } from '../pools.repository.js';
import { PoolView } from './pool-view.js';

/**
 * Creates a dedicated resource pool. Defaults: the installation's region, node selector
 * `maas.io/pool=<name>`, taint `maas.io/pool=<name>:NoSchedule`, NPU resource
 * DEFAULT_NPU_RESOURCE_NAME (`huawei.com/Ascend910` unless the operator set another). The selector always gets `maas.io/account=<the caller's account>`
 * (pool-isolation.ts): only nodes the operator assigned to the account are ever used.
 */
@Injectable()
export class CreatePool {
  constructor(
    private readonly pools: PoolsRepository,
    private readonly catalog: ModelCatalog,
    private readonly view: PoolView,
    @Inject(DEPLOYMENTS_CONFIG) private readonly config: DeploymentsConfig,
  ) {}

  async execute(ctx: ProjectRequestContext, body: CreatePoolRequest): Promise<PoolResponse> {
    const { value, problems } = checkPoolFields(body, this.catalog);
    if (body.name === undefined) problems.unshift({ field: 'name', problem: 'is required' });
    if (body.flavors === undefined)
      problems.push({ field: 'flavors', problem: 'must list at least one Model Square flavor id' });
    problems.push(...accountProblems(value, ctx.caller.accountId));
    const edge = checkEdge(body.edge);
    problems.push(...edge.problems);
    if (problems.length > 0) throw new InvalidPoolError(problems);
    const name = value.name as string;
    const pool = await this.pools.insert({
      accountId: ctx.caller.accountId,
      projectId: ctx.projectId,
      name,
      description: value.description ?? '',
      region: value.region ?? this.config.REGION,
      // Stored with the account label, so the API shows the selection really used.
      nodeSelector: accountNodeSelector(
        value.nodeSelector ?? { [POOL_LABEL_KEY]: name },
        ctx.caller.accountId,
      ),
      taint:
        value.taint === undefined
          ? { key: POOL_LABEL_KEY, value: name, effect: 'NoSchedule' }
          : value.taint,
      npuResourceName: value.npuResourceName ?? this.config.DEFAULT_NPU_RESOURCE_NAME,
      flavorIds: value.flavorIds as string[],
      edge: edge.value,
    });
    return this.view.of(pool);
  }
}
