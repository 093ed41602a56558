import { Injectable } from '@nestjs/common';
import {
  type PolicyDocument,
  type RequestContext,
  SYSTEM_POLICY_NAMES,
  validatePolicyDocument,
} from '@maas/auth';
import { IamTransactions } from '../../transactions/iam-transactions.js';
import {
  invalidPolicyDocument,
  PolicyNameTakenError,
} from '../../store/policies/policies.errors.js';
import { policyCreated } from '../../store/policies/policies.events.js';
import { PoliciesRepository } from '../../store/policies/policies.repository.js';
import { type PolicyEntity } from '../../store/policies/policy.entity.js';

/** The document as stored: only the fields the evaluator reads, in a stable order. */
export function checkedDocument(policy: unknown): PolicyDocument {
  const problems = validatePolicyDocument(policy);
  if (problems.length > 0) throw invalidPolicyDocument(problems);
  const doc = policy as PolicyDocument;
  return {
    Version: '1.1',
    Statement: doc.Statement.map((s) => ({ Effect: s.Effect, Action: [...s.Action] })),
  };
}

/** A custom name may not pass for a system policy. */
export function checkCustomName(name: string): void {
  if (SYSTEM_POLICY_NAMES.some((n) => n.toLowerCase() === name.toLowerCase())) {
    throw new PolicyNameTakenError(name);
  }
}

@Injectable()
export class CreatePolicy {
  constructor(
    private readonly transactions: IamTransactions,
    private readonly policies: PoliciesRepository,
  ) {}

  async execute(
    { caller, requestId }: RequestContext,
    input: { name: string; description?: string; policy: unknown },
  ): Promise<PolicyEntity> {
    const document = checkedDocument(input.policy);
    checkCustomName(input.name);
    return this.transactions.run(caller.accountId, requestId, async (tx) => {
      const policy = await this.policies.insert(tx.manager, {
        accountId: caller.accountId,
        name: input.name,
        description: input.description ?? '',
        document,
      });
      tx.emit(policyCreated({ ...policy, accountId: caller.accountId }));
      return policy;
    });
  }
}
