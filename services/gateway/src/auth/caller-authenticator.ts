import { type KeyProjection, type VerifyRefusal } from '@maas/api-keys';
import {
  authorizeToken,
  INVOKE_SERVICE_ACTION,
  type TokenAuthorizationSource,
  type TokenRefusal,
  type TokenVerifier,
} from '@maas/auth';
import { type GatewayError } from '../errors/gateway-error.js';
import { frozen, invalidAuthorization, missingAuthorization, noAccess } from '../errors/answers.js';

/**
 * The action an IAM user's policies must allow to call a model service with an X-Auth-Token
 * (V1 API, seed 000 "Token-based authentication"): `modelarts:service:invoke`, which the
 * ModelArts FullAccess and CommonOperations system policies include (`modelarts:*:*`).
 */
export const INVOKE_ACTION = INVOKE_SERVICE_ACTION;

/** What the gateway's IAM projection answers (MemoryIamProjection in @maas/auth). */
export type IamView = TokenAuthorizationSource;

/** Who is calling, once the credentials check out. */
export type Caller =
  | { kind: 'key'; keyId: string; accountId: string; projectId: string }
  | { kind: 'token'; userId: string; accountId: string; projectId: string };

export type AuthResult = { ok: true; caller: Caller } | { ok: false; error: GatewayError };

const BEARER = /^Bearer +(\S+) *$/i;

/** The Bearer secret of an Authorization header, or undefined (missing, blank, other scheme). */
export function bearerSecret(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  return BEARER.exec(header)?.[1];
}

/**
 * Checks a call's credentials against the gateway's in-memory projections only (SPEC §6,
 * §8: no per-request call to another service or to PostgreSQL):
 * - an API key (`Authorization: Bearer`, or V1 `X-Apig-AppCode`) against the KeyProjection;
 * - an IAM token (V1 `X-Auth-Token`) verified locally against IAM's public keys, authorized by
 *   the user's policies from the IAM projection for INVOKE_ACTION in the path's project.
 * A frozen key or account is refused with 81006 whatever else holds.
 */
export class CallerAuthenticator {
  constructor(
    private readonly keys: KeyProjection,
    private readonly iam: IamView,
    private readonly tokens: TokenVerifier,
    private readonly region: string,
  ) {}

  /** An API key secret from `clientIp`. `projectId`: the V1 path's project (the key must be of it). */
  key(secret: string | undefined, clientIp: string, projectId?: string): AuthResult {
    if (secret === undefined || secret.trim() === '') return fail(missingAuthorization());
    const verdict = this.keys.verify(secret, {
      region: this.region,
      clientIp,
      ...(projectId !== undefined ? { projectId } : {}),
    });
    if (!verdict.ok) return fail(keyRefusal(verdict.reason));
    const { key } = verdict;
    if (this.iam.isAccountFrozen(key.accountId)) return fail(frozen());
    return {
      ok: true,
      caller: { kind: 'key', keyId: key.keyId, accountId: key.accountId, projectId: key.projectId },
    };
  }

  /** An IAM token on the V1 path of `projectId`, authorized for INVOKE_ACTION there. */
  async token(token: string, projectId: string): Promise<AuthResult> {
    const verdict = await authorizeToken(this.tokens, this.iam, token, INVOKE_ACTION, projectId);
    if (!verdict.ok) return fail(tokenRefusal(verdict.reason));
    return {
      ok: true,
      caller: { kind: 'token', userId: verdict.userId, accountId: verdict.accountId, projectId },
    };
  }

  /**
   * Whether a key may make this call: application access (services), model allowlist, client
   * address allowlist (SPEC §6, seed 000). Token callers have no key scope.
   */
  scopeRefusal(
    caller: Caller,
    call: { serviceId: string; model: string; clientIp: string },
  ): GatewayError | undefined {
    if (caller.kind !== 'key') return undefined;
    const matcher = this.keys.scopeOf(caller.keyId);
    if (!matcher) return invalidAuthorization(); // deleted since authentication
    return matcher.refusal(call) === undefined ? undefined : noAccess();
  }

  /** Whether a key may list a service in /v1/models. */
  mayList(caller: Caller, serviceId: string, model: string): boolean {
    if (caller.kind !== 'key') return true;
    const matcher = this.keys.scopeOf(caller.keyId);
    return matcher !== undefined && matcher.allowsService(serviceId) && matcher.allowsModel(model);
  }
}

function fail(error: GatewayError): AuthResult {
  return { ok: false, error };
}

/**
 * A refused key's answer (seed 002 Table 4-19). A secret this region does not know — never
 * issued, deleted, rotated out past its grace, or a key of another region (keys work only in
 * their own region) — is 81003. A known key outside its scope (another project on the V1
 * path, a service or model it is not bound to, a client address off its allowlist) is 81004.
 * A frozen key is 81006.
 */
export function keyRefusal(reason: VerifyRefusal): GatewayError {
  switch (reason) {
    case 'unknown_key':
    case 'wrong_region':
      return invalidAuthorization();
    case 'frozen':
      return frozen();
    case 'wrong_project':
    case 'service_not_allowed':
    case 'model_not_allowed':
    case 'ip_not_allowed':
      return noAccess();
    default:
      return invalidAuthorization();
  }
}

/**
 * A refused IAM token's answer: no usable token is 81003 (invalid authorization header), a
 * frozen account 81006, a project that is not the caller's or a policy that does not allow
 * INVOKE_ACTION there 81004.
 */
export function tokenRefusal(reason: TokenRefusal): GatewayError {
  switch (reason) {
    case 'missing_token':
      return missingAuthorization();
    case 'invalid_token':
    case 'expired_token':
      return invalidAuthorization();
    case 'account_frozen':
      return frozen();
    case 'project_not_found':
    case 'action_denied':
      return noAccess();
    default:
      return invalidAuthorization();
  }
}
