import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { SYSTEM_POLICIES } from '@maas/auth';
import { ProjectChangedSchema, UserPermissionsChangedSchema } from '@maas/events';
import { projectChanged, userPermissionsChanged } from './iam-client-world.js';

describe('IAM snapshots', () => {
  it('builds the ProjectChanged IAM publishes, named after its region by default', () => {
    const event = projectChanged({ projectId: 'p1', accountId: 'a1', region: 'cn-southwest-2' });
    expect(event).toMatchObject({ accountId: 'a1', aggregateType: 'project', aggregateId: 'p1' });
    const payload = create(ProjectChangedSchema, event.payload);
    expect(payload).toMatchObject({
      projectId: 'p1',
      accountId: 'a1',
      region: 'cn-southwest-2',
      name: 'cn-southwest-2',
      deleted: false,
    });
  });

  it('builds the UserPermissionsChanged IAM publishes, each policy global', () => {
    const document = SYSTEM_POLICIES['ModelArts FullAccess'];
    const event = userPermissionsChanged({
      accountId: 'a1',
      userId: 'u1',
      userName: 'ann',
      policies: [{ name: 'ModelArts FullAccess', document }],
      modelartsAuthorized: true,
    });
    expect(event).toMatchObject({ accountId: 'a1', aggregateType: 'user', aggregateId: 'u1' });
    expect(create(UserPermissionsChangedSchema, event.payload)).toMatchObject({
      accountId: 'a1',
      userId: 'u1',
      userName: 'ann',
      root: false,
      modelartsAuthorized: true,
      policies: [
        {
          policyId: 'ModelArts FullAccess',
          name: 'ModelArts FullAccess',
          documentJson: JSON.stringify(document),
          scopeGlobal: true,
        },
      ],
    });
    expect(
      userPermissionsChanged({ accountId: 'a', userId: 'u', userName: 'n', root: true }).payload,
    ).toMatchObject({ root: true, policies: [] });
  });
});
