import { timestampDate } from '@bufbuild/protobuf/wkt';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate, type ScopedPolicy } from '@maas/auth';
import {
  AuthorizedUserType,
  type DecodedEvent,
  EventConsumer,
  ProjectChangedSchema,
  type UserPermissionsChanged,
  UserPermissionsChangedSchema,
} from '@maas/events';
import { eventually, reportTiming, withRoom } from '@maas/testing';
import {
  IamWorld,
  OPERATOR_TOKEN,
  POLICY,
  type TestAccount,
  tokenBody,
  withDb,
} from './harness.js';

const world = new IamWorld();
let acme: TestAccount;

beforeAll(async () => {
  await world.start();
  acme = await world.account();
});

afterAll(() => world.close());

type Collected = Awaited<ReturnType<IamWorld['collect']>>['events'];

const snapshots = (events: Collected, userId: string) =>
  events.filter(
    (e): e is Collected[number] & DecodedEvent<UserPermissionsChanged> =>
      e.type === UserPermissionsChangedSchema.typeName && e.aggregateId === userId,
  );

/** What another service's guard would evaluate from a snapshot. */
const policiesOf = (snapshot: UserPermissionsChanged): ScopedPolicy[] =>
  snapshot.policies.map((p) => ({
    document: JSON.parse(p.documentJson) as ScopedPolicy['document'],
    scope: p.scopeGlobal ? { kind: 'global' } : { kind: 'projects', projectIds: p.projectIds },
  }));

describe('maas.iam.v1', () => {
  it('delivers a policy change to a consumer within 1 s of the HTTP response', async () => {
    const userId = await world.user(acme.token, 'speedy');
    const group = await world.group(acme.token, 'speedsters');
    await world.addToGroup(acme.token, group, userId);

    // Another service's projection: latest UserPermissionsChanged per user, through the
    // @maas/events consumer (inbox de-duplication) as the other services will run it.
    const seen: { payload: UserPermissionsChanged; at: number }[] = [];
    const consumer = new EventConsumer({
      kafka: world.kafka,
      dataSource: world.app.get(DataSource),
      schema: world.schema,
      name: 'projection',
      topicPrefix: world.prefix,
      sessionTimeoutMs: 6_000,
    }).on(UserPermissionsChangedSchema, (event) => {
      if (event.payload.userId === userId) seen.push({ payload: event.payload, at: Date.now() });
      return Promise.resolve();
    });
    world.groups.push(consumer.groupId);
    await consumer.start();
    try {
      // Caught up: the snapshot from joining the group has arrived.
      await eventually(() => seen.length > 0, {
        timeoutMs: 30_000,
        description: 'the consumer to catch up',
      });
      const before = seen.length;
      const res = await world.request('PUT', `/v3/groups/${group}/policies/${POLICY.fullAccess}`, {
        token: acme.token,
        body: { scope: 'global' },
      });
      const answered = Date.now();
      expect(res.statusCode).toBe(200);
      const arrival = await eventually(
        () =>
          seen
            .slice(before)
            .find((s) => s.payload.policies.some((p) => p.policyId === POLICY.fullAccess)) ?? false,
        {
          timeoutMs: withRoom(1_000) + 5_000,
          intervalMs: 5,
          description: 'the snapshot with FullAccess',
        },
      );
      const latencyMs = arrival.at - answered;
      reportTiming('policy attached → snapshot on maas.iam.v1', latencyMs, 1_000);
      expect(latencyMs).toBeLessThan(withRoom(1_000));
      expect(evaluate(policiesOf(arrival.payload), 'modelarts:pool:create')).toBe('allow');
    } finally {
      await consumer.stop();
    }
  });

  it('carries self-contained snapshots from which a new consumer rebuilds the state by replay', async () => {
    const [project] = acme.projectIds;
    const keep = await world.user(acme.token, 'keeper');
    const gone = await world.user(acme.token, 'leaver');
    const group = await world.group(acme.token, 'replayers');
    await world.addToGroup(acme.token, group, keep);
    await world.addToGroup(acme.token, group, gone);
    await world.attach(acme.token, group, POLICY.commonOperations, {
      scope: 'projects',
      project_ids: [project],
    });
    const deny = await world.policy(acme.token, 'no-services', [
      { Effect: 'Deny', Action: ['modelarts:service:delete'] },
    ]);
    await world.attach(acme.token, group, deny);
    await world.created('POST', `/v2/${project}/authorizations`, acme.token, {
      user_type: 'iam_user',
      authorized_to: 'keeper',
      new_agency: { validity_period: '2h' },
    });
    await world.expect(204, 'DELETE', `/v3/users/${gone}`, acme.token);

    const { events } = await world.collect();
    await eventually(() => snapshots(events, gone).some((s) => s.payload.deleted), {
      timeoutMs: 30_000,
      description: 'the replay to reach the deletion',
    });
    // The latest snapshot per user is the state.
    const latest = snapshots(events, keep).at(-1)!.payload;
    expect(latest).toMatchObject({
      accountId: acme.id,
      accountName: acme.name,
      userName: 'keeper',
      root: false,
      deleted: false,
      modelartsAuthorized: true,
    });
    const until = timestampDate(latest.modelartsAuthorizedUntil!).getTime() - Date.now();
    expect(until).toBeGreaterThan(7_100_000);
    expect(until).toBeLessThanOrEqual(7_200_000);
    expect(latest.policies.map((p) => [p.name, p.scopeGlobal, p.projectIds])).toEqual([
      ['ModelArts CommonOperations', false, [project]],
      ['no-services', true, []],
    ]);
    const policies = policiesOf(latest);
    expect(evaluate(policies, 'modelarts:service:create', project)).toBe('allow');
    expect(evaluate(policies, 'modelarts:service:create', acme.projectIds[1])).toBe(
      'implicit_deny',
    );
    expect(evaluate(policies, 'modelarts:service:delete', project)).toBe('explicit_deny');
    expect(evaluate(policies, 'modelarts:pool:create', project)).toBe('explicit_deny');
    expect(snapshots(events, gone).at(-1)!.payload).toMatchObject({
      deleted: true,
      userName: 'leaver',
    });
    expect(snapshots(events, acme.rootId).at(-1)!.payload).toMatchObject({
      root: true,
      userName: acme.name,
    });

    // Fine-grained events too, keyed by their aggregate, and the project snapshot.
    const types = new Set(events.map((e) => e.type.replace('maas.iam.v1.', '')));
    for (const t of [
      'AccountCreated',
      'AccountChanged',
      'ProjectCreated',
      'ProjectChanged',
      'UserCreated',
      'UserDeleted',
      'GroupCreated',
      'GroupMembershipChanged',
      'PolicyCreated',
      'PolicyAttached',
      'AgencyCreated',
      'AuthorizationGranted',
      'UserPermissionsChanged',
    ]) {
      expect(types).toContain(t);
    }
    const projectSnapshot = events.find(
      (e) => e.type === ProjectChangedSchema.typeName && e.aggregateId === project,
    );
    expect(projectSnapshot?.payload).toMatchObject({
      projectId: project,
      accountId: acme.id,
      region: 'cn-southwest-2',
      deleted: false,
    });
    const granted = events.find((e) => e.type.endsWith('AuthorizationGranted'));
    expect(granted?.payload).toMatchObject({
      userType: AuthorizedUserType.IAM_USER,
      userId: keep,
      userName: 'keeper',
      agencyName: 'ma_agency_keeper',
    });
    // Every event names its account and the API request that caused it.
    for (const e of events) expect([e.accountId, e.requestId].every(Boolean)).toBe(true);
  });

  it('never carries a password, secret key or token; neither do the logs', async () => {
    const secrets: string[] = [OPERATOR_TOKEN, world.signingKey.split('\n')[1]];
    const rootPassword = 'Root-Secret-7788';
    const acct = (
      await world.request('POST', '/v3/accounts', {
        headers: { 'x-operator-token': OPERATOR_TOKEN },
        body: { name: 'secretive', root_password: rootPassword },
      })
    ).json<{ id: string }>();
    secrets.push(rootPassword);
    const rootToken = await world.signIn('secretive', 'secretive', rootPassword);
    secrets.push(rootToken);
    const userPassword = 'User-Secret-4411';
    const userId = await world.user(rootToken, 'quiet', userPassword);
    secrets.push(userPassword);
    const newPassword = 'User-Secret-5522';
    await world.expect(200, 'PATCH', `/v3/users/${userId}`, rootToken, { password: newPassword });
    secrets.push(newPassword);
    const key = await world.created('POST', `/v3/users/${userId}/access-keys`, rootToken, {});
    const sk = key.secret_key as string;
    secrets.push(sk);
    const akToken = (
      await world.request('POST', '/v3/auth/tokens', {
        body: {
          auth: {
            identity: {
              methods: ['hw_ak_sk'],
              hw_ak_sk: { access: { key: key.access_key }, secret: { key: sk } },
            },
          },
        },
      })
    ).headers['x-subject-token'] as string;
    secrets.push(akToken);
    const userToken = await world.signIn('secretive', 'quiet', newPassword);
    secrets.push(userToken);
    // Failures that carry secrets: a wrong password, a malformed body, a bad token.
    const wrong = 'Wrong-Secret-9900';
    secrets.push(wrong);
    await world.request('POST', '/v3/auth/tokens', {
      body: tokenBody('secretive', 'quiet', wrong),
    });
    await world.app.inject({
      method: 'POST',
      url: '/v3/auth/tokens',
      headers: { 'content-type': 'application/json' },
      payload: `{"auth": {"identity": {"password": "${wrong}"`,
    });
    await world.request('GET', '/v3/users', { token: `${userToken}x` });
    await world.request('GET', '/v3/users', { token: userToken });
    await world.request('POST', '/v3/users', {
      token: rootToken,
      body: { name: 'weak', password: 'weak-but-secret' },
    });
    secrets.push('weak-but-secret');
    await world.created(
      'POST',
      `/v2/${(await world.request('GET', '/v3/projects', { token: rootToken })).json<{ projects: { id: string }[] }>().projects[0].id}/authorizations`,
      rootToken,
      {
        user_type: 'all_users',
      },
    );

    // Every event of the topic, as bytes.
    const { events } = await world.collect();
    await eventually(
      () => events.some((e) => e.accountId === acct.id && e.type.endsWith('AuthorizationGranted')),
      {
        timeoutMs: 30_000,
        description: 'the events of the account',
      },
    );
    const topicBytes = Buffer.concat(events.map((e) => e.raw)).toString('latin1');
    const outbox = await withDb(
      async (db) =>
        (await db.query<{ envelope: Buffer }>(`SELECT envelope FROM "${world.schema}".outbox`))
          .rows,
    );
    const outboxBytes = Buffer.concat(outbox.map((r) => r.envelope)).toString('latin1');
    const logs = world.logs.join('');
    expect(world.logs.length).toBeGreaterThan(20);
    expect(logs).toContain('"token issued"');
    for (const secret of secrets) {
      expect({ secret: secret.slice(0, 8), inEvents: topicBytes.includes(secret) }).toEqual({
        secret: secret.slice(0, 8),
        inEvents: false,
      });
      expect({ secret: secret.slice(0, 8), inOutbox: outboxBytes.includes(secret) }).toEqual({
        secret: secret.slice(0, 8),
        inOutbox: false,
      });
      expect({ secret: secret.slice(0, 8), inLogs: logs.includes(secret) }).toEqual({
        secret: secret.slice(0, 8),
        inLogs: false,
      });
    }
    // Not even the token's signature part alone.
    expect(logs).not.toContain(userToken.split('.')[2]);
  });
});
