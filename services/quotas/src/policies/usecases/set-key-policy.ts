import { Injectable } from '@nestjs/common';
import { OutboxWriter } from '@maas/events';
import { type RequestContext } from '@maas/auth';
import { PolicyKeyNotFoundError } from '../policies.errors.js';
import { policySet } from '../policies.events.js';
import { PoliciesRepository, type Policy } from '../policies.repository.js';
import { KnownKeysRepository } from '../known-keys.repository.js';

export interface KeyPolicyInput {
  keyId: string;
  /** '' = all models. */
  model: string;
  rpm: number;
  tpm: number;
}

/** Sets (creates or replaces) the RPM/TPM limits of one of the project's keys, optionally per model. */
@Injectable()
export class SetKeyPolicy {
  constructor(
    private readonly policies: PoliciesRepository,
    private readonly keys: KnownKeysRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  async execute(
    { caller, requestId }: RequestContext,
    projectId: string,
    input: KeyPolicyInput,
  ): Promise<Policy> {
    if (!(await this.keys.isActiveInProject(caller.accountId, projectId, input.keyId))) {
      throw new PolicyKeyNotFoundError(input.keyId);
    }
    return this.policies.transaction(async (manager) => {
      await this.policies.lockSubject(manager, 'key', input.keyId);
      const policy = await this.policies.upsert(manager, {
        accountId: caller.accountId,
        projectId,
        subjectType: 'key',
        subjectId: input.keyId,
        model: input.model,
        rpm: input.rpm,
        tpm: input.tpm,
        qps: 0,
        source: 'admin',
        sourceVersion: 0,
      });
      await this.outbox.append(manager, policySet(policy, requestId));
      return policy;
    });
  }
}
