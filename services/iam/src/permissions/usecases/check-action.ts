import { Inject, Injectable } from '@nestjs/common';
import {
  type Decision,
  evaluate,
  PERMISSION_SOURCE,
  type PermissionSource,
  type RequestContext,
} from '@maas/auth';
import { ProjectNotFoundError } from '../permissions.errors.js';

export interface CheckResult {
  action: string;
  projectId: string | null;
  decision: Decision;
}

/**
 * Whether the caller may perform an action (in a project): the very evaluation IamGuard
 * runs, so other services and tests can ask "would this be allowed?".
 */
@Injectable()
export class CheckAction {
  constructor(@Inject(PERMISSION_SOURCE) private readonly permissions: PermissionSource) {}

  async execute(
    { caller }: RequestContext,
    input: { action: string; projectId?: string },
  ): Promise<CheckResult> {
    const projectId = input.projectId ?? caller.projectId;
    if (input.projectId !== undefined) {
      const foreign = caller.projectId !== undefined && caller.projectId !== input.projectId;
      if (
        foreign ||
        !(await this.permissions.projectBelongsTo(input.projectId, caller.accountId))
      ) {
        throw new ProjectNotFoundError(input.projectId);
      }
    }
    const result = { action: input.action, projectId: projectId ?? null };
    if (caller.root) return { ...result, decision: 'allow' };
    const perms = await this.permissions.permissionsOf(caller.accountId, caller.userId);
    return { ...result, decision: evaluate(perms?.policies ?? [], input.action, projectId) };
  }
}
