import { Inject, Injectable } from '@nestjs/common';
import {
  evaluate,
  MAAS_REQUIRED_IAM_ACTIONS,
  PERMISSION_SOURCE,
  type PermissionSource,
  type RequestContext,
} from '@maas/auth';
import { isExpired } from '../../agencies/validity-period.js';
import { DEPENDENCY_POLICIES, SYSTEM_POLICY_IDS } from '../../store/policies/system-policies.js';
import { PermissionsRepository } from '../../store/permissions/permissions.repository.js';

export interface MissingPermissions {
  /** Table 2-3 actions the caller lacks (IAM actions are global: global attachments count). */
  missingActions: string[];
  /** Seed 002 section 2.3: OBS and SWR authorized through the caller's ModelArts agencies. */
  dependencies: { service: string; policy: string; authorized: boolean }[];
  /** A valid ModelArts authorization covers the caller. */
  modelartsAuthorized: boolean;
}

@Injectable()
export class GetMissingPermissions {
  constructor(
    @Inject(PERMISSION_SOURCE) private readonly source: PermissionSource,
    private readonly permissions: PermissionsRepository,
  ) {}

  async execute({ caller }: RequestContext): Promise<MissingPermissions> {
    const policies = caller.root
      ? undefined
      : ((await this.source.permissionsOf(caller.accountId, caller.userId))?.policies ?? []);
    const missingActions = policies
      ? MAAS_REQUIRED_IAM_ACTIONS.filter((action) => evaluate(policies, action) !== 'allow')
      : [];
    const now = new Date();
    const valid = (
      await this.permissions.coveringAuthorizations(caller.accountId, caller.userId)
    ).filter((c) => !isExpired(c, now));
    const held = new Set(await this.permissions.agencyPolicyIds(valid.map((c) => c.agencyId)));
    return {
      missingActions: [...missingActions],
      dependencies: DEPENDENCY_POLICIES.map(({ service, policy }) => ({
        service,
        policy,
        authorized: held.has(SYSTEM_POLICY_IDS[policy]),
      })),
      modelartsAuthorized: valid.length > 0,
    };
  }
}
