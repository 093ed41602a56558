import { describe, expect, it } from 'vitest';
import {
  type Caller,
  type PermissionSource,
  type RequestContext,
  SYSTEM_POLICIES,
} from '@maas/auth';
import { SYSTEM_POLICY_IDS } from '../store/policies/system-policies.js';
import { toScopedPolicy } from './iam-permission-source.js';
import { ProjectNotFoundError } from './permissions.errors.js';
import {
  type HeldPolicy,
  type PermissionsRepository,
} from '../store/permissions/permissions.repository.js';
import { CheckAction } from './usecases/check-action.js';
import { GetMissingPermissions } from './usecases/get-missing-permissions.js';

const caller = (extra: Partial<Caller> = {}): RequestContext => ({
  requestId: 'r-1',
  caller: {
    accountId: 'acc',
    accountName: 'acme',
    userId: 'u-1',
    userName: 'alice',
    root: false,
    tokenId: 't',
    expiresAt: new Date(Date.now() + 60_000),
    ...extra,
  },
});

const held = (name: keyof typeof SYSTEM_POLICIES, projectIds?: string[]): HeldPolicy => ({
  groupId: 'g',
  policyId: SYSTEM_POLICY_IDS[name],
  name,
  document: SYSTEM_POLICIES[name],
  scopeGlobal: !projectIds,
  projectIds: projectIds ?? [],
});

function source(policies: HeldPolicy[] | undefined, projects = ['p-1', 'p-2']): PermissionSource {
  return {
    permissionsOf: () => Promise.resolve(policies && { policies: policies.map(toScopedPolicy) }),
    projectBelongsTo: (projectId) => Promise.resolve(projects.includes(projectId)),
  };
}

describe('CheckAction', () => {
  it('evaluates like the guard: CommonOperations denies pool creation, FullAccess allows it', async () => {
    const common = new CheckAction(source([held('ModelArts CommonOperations')]));
    const full = new CheckAction(source([held('ModelArts FullAccess')]));
    const action = 'modelarts:pool:create';
    await expect(common.execute(caller(), { action })).resolves.toMatchObject({
      decision: 'explicit_deny',
    });
    await expect(full.execute(caller(), { action })).resolves.toMatchObject({ decision: 'allow' });
    await expect(
      common.execute(caller(), { action: 'modelarts:service:create' }),
    ).resolves.toMatchObject({
      decision: 'allow',
    });
  });

  it("applies a project scope, in the token's project by default", async () => {
    const check = new CheckAction(source([held('ModelArts FullAccess', ['p-1'])]));
    const action = 'modelarts:service:create';
    await expect(check.execute(caller(), { action, projectId: 'p-1' })).resolves.toMatchObject({
      decision: 'allow',
    });
    await expect(check.execute(caller(), { action, projectId: 'p-2' })).resolves.toMatchObject({
      decision: 'implicit_deny',
    });
    await expect(check.execute(caller({ projectId: 'p-1' }), { action })).resolves.toMatchObject({
      projectId: 'p-1',
      decision: 'allow',
    });
  });

  it("is 404 for another account's project, or another project than the token's", async () => {
    const check = new CheckAction(source([]));
    await expect(
      check.execute(caller(), { action: 'a:b:c', projectId: 'p-9' }),
    ).rejects.toBeInstanceOf(ProjectNotFoundError);
    await expect(
      check.execute(caller({ projectId: 'p-1' }), { action: 'a:b:c', projectId: 'p-2' }),
    ).rejects.toBeInstanceOf(ProjectNotFoundError);
  });

  it('allows the root user everything and denies an unknown user everything', async () => {
    await expect(
      new CheckAction(source(undefined)).execute(caller({ root: true }), {
        action: 'modelarts:pool:delete',
      }),
    ).resolves.toMatchObject({
      decision: 'allow',
    });
    await expect(
      new CheckAction(source(undefined)).execute(caller(), { action: 'modelarts:pool:list' }),
    ).resolves.toMatchObject({
      decision: 'implicit_deny',
    });
  });
});

describe('GetMissingPermissions', () => {
  function missing(
    policies: HeldPolicy[],
    covering: { agencyId: string; expiresAt: Date | null }[],
    agencyPolicies: string[],
  ) {
    const repo = {
      coveringAuthorizations: () => Promise.resolve(covering),
      agencyPolicyIds: (ids: string[]) => Promise.resolve(ids.length > 0 ? agencyPolicies : []),
    } as unknown as PermissionsRepository;
    return new GetMissingPermissions(source(policies), repo);
  }

  it('lists every Table 2-3 action and both dependencies for a user with nothing', async () => {
    const result = await missing([], [], []).execute(caller());
    expect(result.missingActions).toHaveLength(5);
    expect(result.dependencies.map((d) => d.authorized)).toEqual([false, false]);
    expect(result.modelartsAuthorized).toBe(false);
  });

  it('ignores authorizations through an expired agency', async () => {
    const past = new Date(Date.now() - 1_000);
    const result = await missing(
      [],
      [{ agencyId: 'ag', expiresAt: past }],
      [SYSTEM_POLICY_IDS['OBS OperateAccess']],
    ).execute(caller());
    expect(result.modelartsAuthorized).toBe(false);
    expect(result.dependencies[0].authorized).toBe(false);
  });

  it('sees OBS and SWR through a valid agency', async () => {
    const ids = [SYSTEM_POLICY_IDS['OBS OperateAccess'], SYSTEM_POLICY_IDS['SWR OperateAccess']];
    const result = await missing([], [{ agencyId: 'ag', expiresAt: null }], ids).execute(
      caller({ root: true }),
    );
    expect(result).toEqual({
      missingActions: [],
      dependencies: [
        { service: 'OBS', policy: 'OBS OperateAccess', authorized: true },
        { service: 'SWR', policy: 'SWR OperateAccess', authorized: true },
      ],
      modelartsAuthorized: true,
    });
  });
});
