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
export {
  SYSTEM_POLICIES,
  SYSTEM_POLICY_NAMES,
  type SystemPolicyName,
} from './policy/system-policies.js';
export { TOKEN_AUDIENCE, TOKEN_ISSUER, type Caller, type TokenClaims } from './token/claims.js';
export { loadSigningKey, TOKEN_ALG, TokenSigner, type SigningKey } from './token/token-signer.js';
export {
  TokenVerificationError,
  TokenVerifier,
  type TokenProblem,
} from './token/token-verifier.js';
export { AuthErrorCode, projectNotFound } from './guard/auth.errors.js';
export { CurrentCaller } from './guard/current-caller.decorator.js';
export { IamGuard, type AuthenticatedRequest } from './guard/iam.guard.js';
export {
  PERMISSION_SOURCE,
  TOKEN_VERIFIER,
  type CallerPermissions,
  type PermissionSource,
} from './guard/permission-source.js';
export {
  AUTH_TOKEN_SCHEME,
  Guarded,
  ProjectGuarded,
  SelfService,
} from './guard/openapi.decorators.js';
export {
  OPERATOR_AUTH,
  OPERATOR_SCHEME,
  OPERATOR_TOKEN_HEADER,
  OperatorAuthModule,
  type OperatorAuthOptions,
  OperatorGuard,
  OperatorOnly,
} from './guard/operator.guard.js';
export {
  Ctx,
  ProjectCtx,
  type ProjectRequestContext,
  RequestId,
  type RequestContext,
} from './guard/request-context.js';
export { Authenticated, Public, RequireAction } from './guard/require-action.decorator.js';
export { IamProjection, type IamProjectionOptions } from './projection/iam-projection.js';
export {
  IamProjectionConsumer,
  IamProjectionModule,
  type IamProjectionModuleOptions,
} from './projection/iam-projection.module.js';
export { iamProjectionMigration } from './projection/iam-projection.schema.js';
export {
  MemoryIamProjection,
  type IamApplyOutcome,
  type MemoryIamAccount,
  type MemoryIamProject,
} from './projection/memory-iam-projection.js';
export {
  MemoryIamProjectionConsumer,
  type MemoryIamProjectionConsumerOptions,
  type MemoryIamProjectionStats,
} from './projection/memory-iam-projection-consumer.js';
export {
  authorizeToken,
  INVOKE_SERVICE_ACTION,
  type TokenAuthorization,
  type TokenAuthorizationSource,
  type TokenRefusal,
} from './projection/authorize-token.js';
