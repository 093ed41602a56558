import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { type CallerPermissions, type PermissionSource, type ScopedPolicy } from '@maas/auth';
import {
  type HeldPolicy,
  PermissionsRepository,
} from '../store/permissions/permissions.repository.js';

export function toScopedPolicy(held: HeldPolicy): ScopedPolicy {
  return {
    document: held.document,
    scope: held.scopeGlobal
      ? { kind: 'global' }
      : { kind: 'projects', projectIds: held.projectIds },
  };
}

/**
 * IAM's own PermissionSource: straight from its tables (the caller's groups, their
 * attachments and policies), so IAM's admin API is guarded by the same evaluation every
 * other service runs on its projection of maas.iam.v1.
 */
@Injectable()
export class IamPermissionSource implements PermissionSource {
  constructor(private readonly permissions: PermissionsRepository) {}

  async permissionsOf(accountId: string, userId: string): Promise<CallerPermissions | undefined> {
    if (!isUUID(userId) || !isUUID(accountId)) return undefined;
    if (!(await this.permissions.userExists(accountId, userId))) return undefined;
    const held = await this.permissions.heldPolicies(userId);
    return { policies: held.map(toScopedPolicy) };
  }

  async projectBelongsTo(projectId: string, accountId: string): Promise<boolean> {
    if (!isUUID(projectId) || !isUUID(accountId)) return false;
    return this.permissions.projectBelongsTo(projectId, accountId);
  }
}
