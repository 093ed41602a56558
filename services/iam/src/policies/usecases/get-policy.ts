import { Injectable } from '@nestjs/common';
import { type RequestContext } from '@maas/auth';
import { PolicyNotFoundError } from '../../store/policies/policies.errors.js';
import { PoliciesRepository } from '../../store/policies/policies.repository.js';
import { type PolicyEntity } from '../../store/policies/policy.entity.js';

@Injectable()
export class GetPolicy {
  constructor(private readonly policies: PoliciesRepository) {}

  /** A system policy or one of the account's; another account's is not found. */
  async execute({ caller }: RequestContext, policyId: string): Promise<PolicyEntity> {
    const policy = await this.policies.findVisible(caller.accountId, policyId);
    if (!policy) throw new PolicyNotFoundError(policyId);
    return policy;
  }

  list({ caller }: RequestContext): Promise<PolicyEntity[]> {
    return this.policies.list(caller.accountId);
  }
}
