import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Actions, TokenSigner, TokenVerifier } from '@maas/auth';
import { resolveSigningKey } from '../src/tokens/signing-key.js';
import { IamWorld, newSigningKeyPem, POLICY, type TestAccount, tokenBody } from './harness.js';

interface ErrorJson {
  error_code: string;
  error_msg: string;
  details?: { fields?: { field: string }[] };
}

const fieldsOf = (body: ErrorJson) => body.details?.fields?.map((f) => f.field) ?? [];

const world = new IamWorld({
  env: { REGIONS: 'cn-southwest-2,ap-southeast-1', TOKEN_TTL_SECONDS: '600' },
});
let acme: TestAccount;

beforeAll(async () => {
  await world.start();
  acme = await world.account();
});

afterAll(() => world.close());

/** The decision of POST /v3/auth/check for a caller. */
async function decide(token: string, action: string, projectId?: string): Promise<string> {
  const res = await world.request('POST', '/v3/auth/check', {
    token,
    body: { action, ...(projectId ? { project_id: projectId } : {}) },
  });
  expect(res.statusCode).toBe(200);
  return res.json<{ decision: string }>().decision;
}

/** A user in a new group holding `policies` (global unless a scope is given). */
async function userWith(
  name: string,
  policies: { id: string; scope?: Record<string, unknown> }[],
): Promise<string> {
  const userId = await world.user(acme.token, name);
  const groupId = await world.group(acme.token, `g-${name}`);
  await world.addToGroup(acme.token, groupId, userId);
  for (const p of policies) await world.attach(acme.token, groupId, p.id, p.scope);
  return world.signIn(acme.name, name, 'Passw0rd!x');
}

describe('tokens', () => {
  it('issues a token in X-Subject-Token with the Keystone-style body', async () => {
    const res = await world.request('POST', '/v3/auth/tokens', {
      body: tokenBody(acme.name, acme.name, acme.password),
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers['x-subject-token']).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(res.headers['cache-control']).toBe('no-store');
    const { token } = res.json<{ token: Record<string, unknown> }>();
    expect(token).toEqual({
      expires_at: expect.any(String),
      issued_at: expect.any(String),
      methods: ['password'],
      user: { id: acme.rootId, name: acme.name, domain: { id: acme.id, name: acme.name } },
      domain: { id: acme.id, name: acme.name },
    });
    const ttl = Date.parse(token.expires_at as string) - Date.parse(token.issued_at as string);
    expect(ttl).toBe(600_000);
    expect(res.body).not.toContain(String(res.headers['x-subject-token']));
  });

  it('answers a wrong password, an unknown user and an unknown account with the same 401', async () => {
    await world.user(acme.token, 'dora', 'Secret-99x');
    const attempts = [
      tokenBody(acme.name, 'dora', 'Wrong-pass-99'),
      tokenBody(acme.name, 'nobody', 'Secret-99x'),
      tokenBody('no-such-account', 'dora', 'Secret-99x'),
    ];
    const answers = await Promise.all(
      attempts.map(async (body) => {
        const res = await world.request('POST', '/v3/auth/tokens', { body });
        expect(res.statusCode).toBe(401);
        expect(res.headers['x-subject-token']).toBeUndefined();
        const { error_code, error_msg } = res.json<ErrorJson>();
        return { error_code, error_msg };
      }),
    );
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0].error_code).toBe('IAM.0701');
    expect(await world.signIn(acme.name, 'DORA', 'Secret-99x')).toBeTruthy(); // names ignore case
  });

  it('rejects a malformed body with 400 naming the field', async () => {
    const res = await world.request('POST', '/v3/auth/tokens', {
      body: { auth: { identity: { methods: ['password'], password: { user: { name: 'x' } } } } },
    });
    expect(res.statusCode).toBe(400);
    expect(fieldsOf(res.json<ErrorJson>())).toEqual(
      expect.arrayContaining([
        'auth.identity.password.user.password',
        'auth.identity.password.user.domain',
      ]),
    );
    const method = await world.request('POST', '/v3/auth/tokens', {
      body: { auth: { identity: { methods: ['token'] } } },
    });
    expect(fieldsOf(method.json<ErrorJson>())).toContain('auth.identity.methods');
  });

  it('scopes a token to a project of the account only', async () => {
    const [p1, p2] = acme.projectIds;
    const scoped = await world.signIn(acme.name, acme.name, acme.password, p1);
    const res = await world.request('POST', '/v3/auth/tokens', {
      body: tokenBody(acme.name, acme.name, acme.password, p1),
    });
    expect(
      res.json<{ token: { project: { id: string; name: string } } }>().token.project,
    ).toMatchObject({
      id: p1,
      name: 'ap-southeast-1',
    });
    // The scoped token works in its project only: another project reads as nonexistent.
    const other = await world.request('GET', `/v2/${p2}/authorizations`, { token: scoped });
    expect(other.statusCode).toBe(404);
    expect(
      (await world.request('GET', `/v2/${p1}/authorizations`, { token: scoped })).statusCode,
    ).toBe(200);
    const foreign = await world.account();
    const refused = await world.request('POST', '/v3/auth/tokens', {
      body: tokenBody(acme.name, acme.name, acme.password, foreign.projectIds[0]),
    });
    expect(refused.statusCode).toBe(401);
    expect(refused.json<ErrorJson>().error_code).toBe('IAM.0702');
  });

  it('is verified locally by another service with the public keys from /v3/auth/jwks', async () => {
    await world.app.listen(0, '127.0.0.1');
    const url = await world.app.getUrl();
    const jwks = (await (await fetch(`${url}/v3/auth/jwks`)).json()) as {
      keys: Record<string, unknown>[];
    };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
    const caller = await TokenVerifier.remote(`${url}/v3/auth/jwks`).verify(acme.token);
    expect(caller).toMatchObject({
      accountId: acme.id,
      accountName: acme.name,
      userId: acme.rootId,
      userName: acme.name,
      root: true,
    });
  });

  it('refuses an expired token (401, saying so)', async () => {
    const { key } = await resolveSigningKey({
      TOKEN_SIGNING_KEY: world.signingKey,
      TOKEN_KEY_ID: undefined,
    });
    const signer = new TokenSigner(key, 600);
    const { token } = await signer.issue(
      {
        accountId: acme.id,
        accountName: acme.name,
        userId: acme.rootId,
        userName: acme.name,
        root: true,
      },
      new Date(Date.now() - 601_000),
    );
    const res = await world.request('GET', '/v3/users', { token });
    expect(res.statusCode).toBe(401);
    expect(res.json<ErrorJson>()).toMatchObject({
      error_code: 'IAM.0002',
      error_msg: expect.stringMatching(/expired/),
    });
    // The same key, not expired: accepted (so the refusal above was the expiry).
    const fresh = await signer.issue({
      accountId: acme.id,
      accountName: acme.name,
      userId: acme.rootId,
      userName: acme.name,
      root: true,
    });
    expect((await world.request('GET', '/v3/users', { token: fresh.token })).statusCode).toBe(200);
  });

  it('refuses a tampered token and one signed by another key', async () => {
    const alice = await userWith('tamper-alice', []);
    const [header, payload, signature] = alice.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    const forged = Buffer.from(JSON.stringify({ ...claims, root: true })).toString('base64url');
    for (const token of [
      `${header}.${forged}.${signature}`,
      `${header}.${payload}.${signature.slice(0, -4)}AAAA`,
    ]) {
      const res = await world.request('GET', '/v3/users', { token });
      expect(res.statusCode).toBe(401);
      expect(res.json<ErrorJson>().error_code).toBe('IAM.0002');
    }
    // A token from another key carrying IAM's key id.
    const { key: ours } = await resolveSigningKey({
      TOKEN_SIGNING_KEY: world.signingKey,
      TOKEN_KEY_ID: undefined,
    });
    const { key: theirs } = await resolveSigningKey({
      TOKEN_SIGNING_KEY: newSigningKeyPem(),
      TOKEN_KEY_ID: ours.kid,
    });
    const { token } = await new TokenSigner(theirs, 600).issue({
      accountId: acme.id,
      accountName: acme.name,
      userId: acme.rootId,
      userName: acme.name,
      root: true,
    });
    expect((await world.request('GET', '/v3/users', { token })).statusCode).toBe(401);
    expect((await world.request('GET', '/v3/users')).json<ErrorJson>().error_code).toBe('IAM.0001');
  });

  it('signs in with an access key pair; the secret is shown once and stored hashed', async () => {
    const userId = await world.user(acme.token, 'ak-user');
    const created = await world.created('POST', `/v3/users/${userId}/access-keys`, acme.token, {});
    const ak = created.access_key as string;
    const sk = created.secret_key as string;
    expect(ak).toMatch(/^[A-Z0-9]{20}$/);
    expect(sk).toHaveLength(40);
    const listed = await world.request('GET', `/v3/users/${userId}/access-keys`, {
      token: acme.token,
    });
    expect(listed.body).not.toContain(sk);
    const body = (secret: string) => ({
      auth: {
        identity: {
          methods: ['hw_ak_sk'],
          hw_ak_sk: { access: { key: ak }, secret: { key: secret } },
        },
      },
    });
    const ok = await world.request('POST', '/v3/auth/tokens', { body: body(sk) });
    expect(ok.statusCode).toBe(201);
    expect(ok.json<{ token: { user: { id: string } } }>().token.user.id).toBe(userId);
    expect(
      (await world.request('POST', '/v3/auth/tokens', { body: body(`${sk.slice(0, -1)}x`) }))
        .statusCode,
    ).toBe(401);
    await world.created('POST', `/v3/users/${userId}/access-keys`, acme.token, {});
    const third = await world.request('POST', `/v3/users/${userId}/access-keys`, {
      token: acme.token,
      body: {},
    });
    expect(third.statusCode).toBe(403);
    expect(third.json<ErrorJson>().error_code).toBe('IAM.0206');
    await world.expect(204, 'DELETE', `/v3/users/${userId}/access-keys/${ak}`, acme.token);
    expect((await world.request('POST', '/v3/auth/tokens', { body: body(sk) })).statusCode).toBe(
      401,
    );
  });
});

describe('policies', () => {
  const pool = [Actions.poolCreate, Actions.poolUpdate, Actions.poolDelete];
  const use = [Actions.poolList, Actions.poolGet, Actions.serviceCreate, Actions.serviceDelete];

  it('CommonOperations uses everything but pool create/update/delete; FullAccess can do those too', async () => {
    const common = await userWith('m-common', [{ id: POLICY.commonOperations }]);
    const full = await userWith('m-full', [{ id: POLICY.fullAccess }]);
    const none = await userWith('m-none', []);
    const matrix: Record<string, Record<string, string>> = {};
    for (const [who, token] of Object.entries({ common, full, none, root: acme.token })) {
      matrix[who] = {};
      for (const action of [...pool, ...use]) matrix[who][action] = await decide(token, action);
    }
    for (const action of pool) {
      expect(matrix.common[action]).toBe('explicit_deny');
      expect(matrix.full[action]).toBe('allow');
      expect(matrix.none[action]).toBe('implicit_deny');
      expect(matrix.root[action]).toBe('allow');
    }
    for (const action of use) {
      expect(matrix.common[action]).toBe('allow');
      expect(matrix.full[action]).toBe('allow');
      expect(matrix.none[action]).toBe('implicit_deny');
    }
  });

  it('an explicit Deny beats an Allow, also across groups, and on IAM routes too', async () => {
    const denyDelete = await world.policy(acme.token, 'deny-service-delete', [
      { Effect: 'Deny', Action: ['modelarts:service:delete'] },
    ]);
    const token = await userWith('deny-user', [{ id: POLICY.fullAccess }]);
    expect(await decide(token, Actions.serviceDelete)).toBe('allow');
    const other = await world.group(acme.token, 'deniers');
    const users = (await world.request('GET', '/v3/users', { token: acme.token })).json<{
      users: { id: string; name: string }[];
    }>();
    const denyUser = users.users.find((u) => u.name === 'deny-user')!;
    await world.addToGroup(acme.token, other, denyUser.id);
    await world.attach(acme.token, other, denyDelete);
    expect(await decide(token, Actions.serviceDelete)).toBe('explicit_deny');
    expect(await decide(token, Actions.serviceCreate)).toBe('allow');

    // The guard of IAM's own API evaluates the same way: iam:users:* allowed, delete denied.
    const admin = await world.policy(acme.token, 'user-admin-no-delete', [
      { Effect: 'Allow', Action: ['iam:users:*'] },
      { Effect: 'Deny', Action: ['iam:users:deleteUser'] },
    ]);
    const adminToken = await userWith('half-admin', [{ id: admin }]);
    expect((await world.request('GET', '/v3/users', { token: adminToken })).statusCode).toBe(200);
    const refused = await world.request('DELETE', `/v3/users/${denyUser.id}`, {
      token: adminToken,
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json<ErrorJson>()).toMatchObject({
      error_code: 'IAM.0003',
      error_msg: "Policy doesn't allow iam:users:deleteUser to be performed.",
    });
    expect((await world.request('GET', '/v3/groups', { token: adminToken })).statusCode).toBe(403);
  });

  it('a project-scoped attachment applies in its project only', async () => {
    const [p1, p2] = acme.projectIds;
    const token = await userWith('scoped', [
      { id: POLICY.fullAccess, scope: { scope: 'projects', project_ids: [p1] } },
    ]);
    expect(await decide(token, Actions.poolCreate, p1)).toBe('allow');
    expect(await decide(token, Actions.poolCreate, p2)).toBe('implicit_deny');
    expect(await decide(token, Actions.poolCreate)).toBe('implicit_deny');
  });

  it('takes a policy change into account at once, not at token expiry', async () => {
    const token = await userWith('live', []);
    expect(await decide(token, Actions.serviceCreate)).toBe('implicit_deny');
    const groups = (await world.request('GET', '/v3/groups', { token: acme.token })).json<{
      groups: { id: string; name: string }[];
    }>();
    const group = groups.groups.find((g) => g.name === 'g-live')!;
    const custom = await world.policy(acme.token, 'live-policy', [
      { Effect: 'Allow', Action: ['modelarts:service:*'] },
    ]);
    await world.attach(acme.token, group.id, custom);
    expect(await decide(token, Actions.serviceCreate)).toBe('allow');
    await world.expect(200, 'PATCH', `/v3/policies/${custom}`, acme.token, {
      policy: { Version: '1.1', Statement: [{ Effect: 'Deny', Action: ['modelarts:service:*'] }] },
    });
    expect(await decide(token, Actions.serviceCreate)).toBe('explicit_deny');
    await world.expect(204, 'DELETE', `/v3/groups/${group.id}/policies/${custom}`, acme.token);
    expect(await decide(token, Actions.serviceCreate)).toBe('implicit_deny');
  });

  it('validates documents and scopes naming the field, and keeps system policies read-only', async () => {
    const bad = await world.request('POST', '/v3/policies', {
      token: acme.token,
      body: {
        name: 'bad',
        policy: { Version: '1.0', Statement: [{ Effect: 'Maybe', Action: ['x'] }] },
      },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<ErrorJson>()).toMatchObject({ error_code: 'IAM.0403' });
    expect(fieldsOf(bad.json<ErrorJson>())).toEqual(['policy']);
    const readOnly = await world.request('PATCH', `/v3/policies/${POLICY.fullAccess}`, {
      token: acme.token,
      body: { description: 'mine now' },
    });
    expect(readOnly.statusCode).toBe(403);
    expect(readOnly.json<ErrorJson>().error_code).toBe('IAM.0404');
    const group = await world.group(acme.token, 'scoping');
    const scope = await world.request('PUT', `/v3/groups/${group}/policies/${POLICY.fullAccess}`, {
      token: acme.token,
      body: { scope: 'projects', project_ids: [] },
    });
    expect(scope.statusCode).toBe(400);
    expect(fieldsOf(scope.json<ErrorJson>())).toEqual(['project_ids']);
    const inUse = await world.policy(acme.token, 'in-use', [
      { Effect: 'Allow', Action: ['obs:*:*'] },
    ]);
    await world.attach(acme.token, group, inUse);
    const refused = await world.request('DELETE', `/v3/policies/${inUse}`, { token: acme.token });
    expect(refused.statusCode).toBe(409);
    await world.expect(204, 'DELETE', `/v3/groups/${group}`, acme.token);
    await world.expect(204, 'DELETE', `/v3/policies/${inUse}`, acme.token);
  });
});

describe('tenancy', () => {
  it("account A can neither see nor change account B's users, groups, policies, agencies or authorizations", async () => {
    const b = await world.account();
    const bUser = await world.user(b.token, 'b-user');
    const bGroup = await world.group(b.token, 'b-group');
    const bPolicy = await world.policy(b.token, 'b-policy', [
      { Effect: 'Allow', Action: ['obs:*:*'] },
    ]);
    const bAgency = (await world.created('POST', '/v3/agencies', b.token, { name: 'b-agency' }))
      .id as string;
    const bAuth = (
      await world.created('POST', `/v2/${b.projectIds[0]}/authorizations`, b.token, {
        user_type: 'iam_user',
        authorized_to: 'b-user',
      })
    ).id as string;
    const aUser = await world.user(acme.token, 'a-user');
    const aGroup = await world.group(acme.token, 'a-group');
    const [aProject] = acme.projectIds;

    const attempts: [string, string, unknown?][] = [
      ['GET', `/v3/users/${bUser}`],
      ['PATCH', `/v3/users/${bUser}`, { description: 'owned' }],
      ['DELETE', `/v3/users/${bUser}`],
      ['POST', `/v3/users/${bUser}/access-keys`, {}],
      ['GET', `/v3/groups/${bGroup}`],
      ['DELETE', `/v3/groups/${bGroup}`],
      ['PUT', `/v3/groups/${bGroup}/users/${aUser}`],
      ['PUT', `/v3/groups/${aGroup}/users/${bUser}`],
      ['PUT', `/v3/groups/${bGroup}/policies/${POLICY.fullAccess}`, { scope: 'global' }],
      ['PUT', `/v3/groups/${aGroup}/policies/${bPolicy}`, { scope: 'global' }],
      ['GET', `/v3/policies/${bPolicy}`],
      ['PATCH', `/v3/policies/${bPolicy}`, { description: 'owned' }],
      ['DELETE', `/v3/policies/${bPolicy}`],
      ['GET', `/v3/agencies/${bAgency}`],
      ['PATCH', `/v3/agencies/${bAgency}`, { description: 'owned' }],
      ['DELETE', `/v3/agencies/${bAgency}`],
      ['PUT', `/v3/agencies/${bAgency}/policies/${POLICY.obs}`, { scope: 'global' }],
      ['GET', `/v2/${b.projectIds[0]}/authorizations`],
      ['POST', `/v2/${b.projectIds[0]}/authorizations`, { user_type: 'all_users' }],
      ['DELETE', `/v2/${b.projectIds[0]}/authorizations`, { confirm: 'DELETE' }],
      ['GET', `/v2/${aProject}/authorizations/${bAuth}`],
      ['DELETE', `/v2/${aProject}/authorizations/${bAuth}`, { confirm: 'DELETE' }],
    ];
    for (const [method, url, body] of attempts) {
      const res = await world.request(method as 'GET', url, { token: acme.token, body });
      expect({ method, url, status: res.statusCode }).toEqual({ method, url, status: 404 });
    }
    // Nothing of B shows in A's lists, and B's things are untouched.
    for (const [url, key] of [
      ['/v3/users', 'users'],
      ['/v3/groups', 'groups'],
      ['/v3/policies', 'policies'],
      ['/v3/agencies', 'agencies'],
    ] as const) {
      const body = (await world.request('GET', url, { token: acme.token })).body;
      expect({
        url,
        leaks: [bUser, bGroup, bPolicy, bAgency, 'b-user', 'b-agency'].filter((x) =>
          body.includes(x),
        ),
      }).toEqual({ url, leaks: [] });
      expect(body).toContain(`"${key}"`);
    }
    expect(
      (await world.request('GET', `/v3/users/${bUser}`, { token: b.token })).json<{
        description: string;
      }>().description,
    ).toBe('');
    const bAuths = (
      await world.request('GET', `/v2/${b.projectIds[0]}/authorizations`, { token: b.token })
    ).json<{ authorizations: unknown[] }>();
    expect(bAuths.authorizations).toHaveLength(1);
    // A's scope cannot name B's project.
    const scope = await world.request('PUT', `/v3/groups/${aGroup}/policies/${POLICY.fullAccess}`, {
      token: acme.token,
      body: { scope: 'projects', project_ids: [b.projectIds[0]] },
    });
    expect(scope.statusCode).toBe(400);
    expect(fieldsOf(scope.json<ErrorJson>())).toEqual(['project_ids']);
  });
});

describe('the admin API', () => {
  it('refuses every IAM route without a token (except the public ones) and names each action in OpenAPI', async () => {
    const doc = (await world.request('GET', '/openapi.json')).json<{
      paths: Record<string, Record<string, { description?: string; security?: unknown[] }>>;
    }>();
    const open = new Set([
      '/v3/auth/tokens',
      '/v3/auth/jwks',
      '/v3/accounts',
      '/v3/accounts/{account_id}',
      // Operator only (X-Operator-Token): checked in frozen-accounts.int-spec.ts.
      '/v3/accounts/{account_id}/frozen',
    ]);
    const zero = '00000000-0000-4000-8000-000000000000';
    let checked = 0;
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(operations)) {
        if (open.has(path) || path.startsWith('/health')) continue;
        const url = path.replace(/\{[a-z_]+\}/g, zero);
        const res = await world.request(method.toUpperCase() as 'GET', url, { body: {} });
        expect({ path, method, status: res.statusCode }).toEqual({ path, method, status: 401 });
        expect(op.security).toEqual([{ 'X-Auth-Token': [] }]);
        expect(op.description).toMatch(
          /Requires the action `[a-z]+:[a-zA-Z]+:[a-zA-Z]+`|Any valid token/,
        );
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(30);
  });

  it('lists the projects, one per configured region', async () => {
    const res = await world.request('GET', '/v3/projects', { token: acme.token });
    expect(res.json<{ projects: { region: string }[] }>().projects.map((p) => p.region)).toEqual([
      'ap-southeast-1',
      'cn-southwest-2',
    ]);
  });

  it('protects the root user and keeps user names unique per account, ignoring case', async () => {
    const root = await world.request('DELETE', `/v3/users/${acme.rootId}`, { token: acme.token });
    expect(root.statusCode).toBe(409);
    await world.user(acme.token, 'Erin');
    const dup = await world.request('POST', '/v3/users', {
      token: acme.token,
      body: { name: 'erin' },
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json<ErrorJson>().error_code).toBe('IAM.0202');
    const weak = await world.request('POST', '/v3/users', {
      token: acme.token,
      body: { name: 'weak', password: 'password' },
    });
    expect(weak.statusCode).toBe(400);
    expect(fieldsOf(weak.json<ErrorJson>())).toEqual(['password']);
  });
});
