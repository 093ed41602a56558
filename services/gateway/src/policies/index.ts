// The gateway's projection of limits (maas.quotas.v1, SPEC §7): key RPM/TPM, service QPS,
// free-quota exhaustion.
export {
  LimitPolicies,
  type FreeQuotaChange,
  type PolicyRemovedChange,
  type PolicySetChange,
  type PolicySubject,
} from './limit-policies.js';
export {
  LimitPoliciesConsumer,
  type LimitPoliciesConsumerOptions,
  type LimitPoliciesStats,
} from './limit-policies-consumer.js';
