import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { type ConsumedEvent, OutboxWriter, type ServiceChangedSchema } from '@maas/events';
import { policySet } from '../policies.events.js';
import { PoliciesRepository } from '../policies.repository.js';
import { PolicyRemover } from '../policy-remover.js';

/**
 * Follows a service's snapshot on maas.deployments.v1 (ServiceChanged): its QPS limit becomes
 * a service policy on maas.quotas.v1 when it changes (set QPS takes effect at the gateway
 * without disruption); a deleted service's policy is removed. An older snapshot than the one
 * applied (lower version) changes nothing.
 */
@Injectable()
export class ApplyServiceChanged {
  constructor(
    private readonly policies: PoliciesRepository,
    private readonly remover: PolicyRemover,
    private readonly outbox: OutboxWriter,
  ) {}

  async execute(
    event: ConsumedEvent<typeof ServiceChangedSchema>,
    manager: EntityManager,
  ): Promise<void> {
    const s = event.payload;
    const version = Number(s.version);
    await this.policies.lockSubject(manager, 'service', s.serviceId);
    const current = await this.policies.find(manager, 'service', s.serviceId);
    if (current && current.sourceVersion >= version) return;
    if (s.deleted || s.qps === 0) {
      if (current) await this.remover.remove(manager, current, event.requestId);
      return;
    }
    if (current?.qps === s.qps) {
      await this.policies.setSourceVersion(manager, current.id, version);
      return;
    }
    const policy = await this.policies.upsert(manager, {
      accountId: s.accountId,
      projectId: s.projectId,
      subjectType: 'service',
      subjectId: s.serviceId,
      model: '',
      rpm: 0,
      tpm: 0,
      qps: s.qps,
      source: 'deployments',
      sourceVersion: version,
    });
    await this.outbox.append(manager, policySet(policy, event.requestId));
  }
}
