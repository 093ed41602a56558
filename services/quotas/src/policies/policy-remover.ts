import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { OutboxWriter, Topic } from '@maas/events';
import { policyRemoved } from './policies.events.js';
import { PoliciesRepository, type Policy } from './policies.repository.js';

/**
 * Removes a policy and publishes its removal: RateLimitPolicyRemoved, then a tombstone, so
 * compaction eventually forgets the policy id. Inside the caller's transaction.
 */
@Injectable()
export class PolicyRemover {
  constructor(
    private readonly policies: PoliciesRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  async remove(manager: EntityManager, policy: Policy, requestId?: string): Promise<void> {
    const removed = await this.policies.remove(manager, policy);
    await this.outbox.append(manager, policyRemoved(removed, requestId));
    await this.outbox.appendTombstone(manager, { topic: Topic.Quotas, key: policy.id });
  }
}
