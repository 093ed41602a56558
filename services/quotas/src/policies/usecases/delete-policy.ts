import { Injectable } from '@nestjs/common';
import { type RequestContext } from '@maas/auth';
import { PolicyManagedByDeploymentsError, PolicyNotFoundError } from '../policies.errors.js';
import { PoliciesRepository } from '../policies.repository.js';
import { PolicyRemover } from '../policy-remover.js';

/** Removes a key's policy (a service's QPS is the deployments service's to change). */
@Injectable()
export class DeletePolicy {
  constructor(
    private readonly policies: PoliciesRepository,
    private readonly remover: PolicyRemover,
  ) {}

  async execute(
    { caller, requestId }: RequestContext,
    projectId: string,
    id: string,
  ): Promise<void> {
    const found = await this.policies.findInProject(caller.accountId, projectId, id);
    if (!found) throw new PolicyNotFoundError(id);
    if (found.source === 'deployments') throw new PolicyManagedByDeploymentsError(id);
    await this.policies.transaction(async (manager) => {
      await this.policies.lockSubject(manager, found.subjectType, found.subjectId);
      const current = await this.policies.find(
        manager,
        found.subjectType,
        found.subjectId,
        found.model,
      );
      if (current?.id !== found.id) throw new PolicyNotFoundError(id);
      await this.remover.remove(manager, current, requestId);
    });
  }
}
