import { evaluate } from '../policy/policy.js';
import type { PermissionSource } from '../guard/permission-source.js';
import type { Caller } from '../token/claims.js';
import { TokenVerificationError, type TokenVerifier } from '../token/token-verifier.js';

/**
 * The action an IAM-token caller needs to call a model service (the V1 inference API with
 * X-Auth-Token, SPEC §8). The system policies ModelArts FullAccess and CommonOperations
 * (`modelarts:*:*`) include it; a custom policy can allow or deny it on its own.
 */
export const INVOKE_SERVICE_ACTION = 'modelarts:service:invoke';

/** Why a token does not authorize the call. */
export type TokenRefusal =
  /** No X-Auth-Token. */
  | 'missing_token'
  /** Not a token IAM signed (or not for us). */
  | 'invalid_token'
  | 'expired_token'
  /** The project is unknown, of another account, or not the token's project. */
  | 'project_not_found'
  /** The operator froze the caller's account: ModelArts.81006 (seed 002 Table 4-19). */
  | 'account_frozen'
  /** The caller's policies do not allow the action in the project (or explicitly deny it). */
  | 'action_denied';

export type TokenAuthorization =
  | { ok: true; accountId: string; userId: string; caller: Caller }
  | { ok: false; reason: TokenRefusal };

/** What authorizeToken reads: a PermissionSource that also knows frozen accounts. */
export interface TokenAuthorizationSource extends PermissionSource {
  isAccountFrozen(accountId: string): boolean;
}

/**
 * IamGuard's decision as a plain function, for a route that is not a Nest controller (the
 * gateway's V1 inference path with `X-Auth-Token`) and a process without a database (with a
 * MemoryIamProjection as `source`): the token is verified locally against IAM's public keys,
 * a project-scoped token works only in its own project, the project must be the caller's
 * account's, a frozen account is refused, then the root user may do anything and anyone
 * else what their policies allow in the project (explicit Deny wins: the same `evaluate` as
 * IamGuard). Never throws for a bad token; never logs it.
 */
export async function authorizeToken(
  verifier: Pick<TokenVerifier, 'verify'>,
  source: TokenAuthorizationSource,
  token: string | undefined,
  action: string,
  projectId: string,
  now?: Date,
): Promise<TokenAuthorization> {
  const authenticated = await authenticate(verifier, token, now);
  if (!authenticated.ok) return authenticated;
  const { caller } = authenticated;
  if (!(await inCallersProject(source, caller, projectId))) {
    return { ok: false, reason: 'project_not_found' };
  }
  if (source.isAccountFrozen(caller.accountId)) return { ok: false, reason: 'account_frozen' };
  if (!caller.root) {
    const permissions = await source.permissionsOf(caller.accountId, caller.userId);
    if (evaluate(permissions?.policies ?? [], action, projectId) !== 'allow') {
      return { ok: false, reason: 'action_denied' };
    }
  }
  return { ok: true, accountId: caller.accountId, userId: caller.userId, caller };
}

async function authenticate(
  verifier: Pick<TokenVerifier, 'verify'>,
  token: string | undefined,
  now: Date | undefined,
): Promise<{ ok: true; caller: Caller } | { ok: false; reason: TokenRefusal }> {
  if (!token) return { ok: false, reason: 'missing_token' };
  try {
    return { ok: true, caller: await verifier.verify(token, now) };
  } catch (error) {
    if (!(error instanceof TokenVerificationError)) throw error;
    return { ok: false, reason: error.problem === 'expired' ? 'expired_token' : 'invalid_token' };
  }
}

/** A project-scoped token works only in its own project; the project must be the account's. */
async function inCallersProject(
  source: PermissionSource,
  caller: Caller,
  projectId: string,
): Promise<boolean> {
  if (caller.projectId !== undefined && caller.projectId !== projectId) return false;
  return source.projectBelongsTo(projectId, caller.accountId);
}
