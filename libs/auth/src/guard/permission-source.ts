import type { ScopedPolicy } from '../policy/policy.js';

/** What a service knows about a caller's permissions, from its projection of IAM events. */
export interface CallerPermissions {
  /** Policies attached to the caller's groups, with their scopes. */
  policies: ScopedPolicy[];
}

/**
 * Each service implements this from its own projection of `maas.iam.v1` (no call to IAM per
 * request). `undefined` means the user or account is unknown (deleted, or not yet projected).
 */
export interface PermissionSource {
  permissionsOf(accountId: string, userId: string): Promise<CallerPermissions | undefined>;
  /** Whether the project exists and belongs to the account. */
  projectBelongsTo(projectId: string, accountId: string): Promise<boolean>;
}

export const PERMISSION_SOURCE = Symbol('PERMISSION_SOURCE');
export const TOKEN_VERIFIER = Symbol('TOKEN_VERIFIER');
