import { Injectable } from '@nestjs/common';
import { type RequestContext } from '@maas/auth';
import { PoliciesRepository, type Policy } from '../policies.repository.js';

/** The project's rate-limit policies: keys' RPM/TPM and services' QPS. */
@Injectable()
export class ListPolicies {
  constructor(private readonly policies: PoliciesRepository) {}

  execute({ caller }: RequestContext, projectId: string): Promise<Policy[]> {
    return this.policies.listOfProject(caller.accountId, projectId);
  }
}
