import {
  type EventInput,
  RateLimitPolicyRemovedSchema,
  RateLimitPolicySetSchema,
} from '@maas/events';
import { type Policy } from './policies.repository.js';

const subjectOf = (p: Policy) =>
  p.subjectType === 'key'
    ? { case: 'keyId' as const, value: p.subjectId }
    : { case: 'serviceId' as const, value: p.subjectId };

const routing = (p: Policy, requestId?: string) => ({
  accountId: p.accountId,
  projectId: p.projectId,
  aggregateType: 'rate_limit_policy',
  aggregateId: p.id,
  ...(requestId ? { requestId } : {}),
});

/** The policy in force, whole (the topic is compacted by policy id). */
export function policySet(
  p: Policy,
  requestId?: string,
): EventInput<typeof RateLimitPolicySetSchema> {
  return {
    schema: RateLimitPolicySetSchema,
    payload: {
      policyId: p.id,
      subject: subjectOf(p),
      model: p.model,
      rpm: p.rpm,
      tpm: p.tpm,
      qps: p.qps,
      accountId: p.accountId,
      projectId: p.projectId,
      version: BigInt(p.version),
    },
    ...routing(p, requestId),
  };
}

/** The policy no longer applies (a tombstone follows it). */
export function policyRemoved(
  p: Policy,
  requestId?: string,
): EventInput<typeof RateLimitPolicyRemovedSchema> {
  return {
    schema: RateLimitPolicyRemovedSchema,
    payload: {
      policyId: p.id,
      subject: subjectOf(p),
      model: p.model,
      accountId: p.accountId,
      projectId: p.projectId,
      version: BigInt(p.version),
    },
    ...routing(p, requestId),
  };
}
