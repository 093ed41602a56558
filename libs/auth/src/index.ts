export { Actions, ALL_ACTIONS, MAAS_REQUIRED_IAM_ACTIONS, type Action } from './policy/actions.js';
export {
  actionMatches,
  evaluate,
  validatePolicyDocument,
  type Decision,
  type PolicyDocument,
  type PolicyScope,
  type PolicyStatement,
  type ScopedPolicy,
} from './policy/policy.js';
export { SYSTEM_POLICIES, SYSTEM_POLICY_NAMES, type SystemPolicyName } from './policy/system-policies.js';
