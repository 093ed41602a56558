import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IamWorld, POLICY, type TestAccount } from './harness.js';

interface ErrorJson {
  error_code: string;
  error_msg: string;
  details?: { fields?: { field: string }[]; limit?: number };
}
interface AuthorizationJson {
  id: string;
  user_type: string;
  authorized_to: string | null;
  user_id: string | null;
  agency: {
    id: string;
    name: string;
    expires_at: string | null;
    policies: { policy_name: string }[];
  };
}

const fieldsOf = (body: ErrorJson) => body.details?.fields?.map((f) => f.field) ?? [];

/** Suffixes the test decides: the next ones to hand out, then "9999". */
const suffixes: string[] = [];
const world = new IamWorld({ agencySuffix: () => suffixes.shift() ?? '9999' });
let acme: TestAccount;
let project: string;
let url: string;

beforeAll(async () => {
  await world.start();
  acme = await world.account();
  project = acme.projectIds[0];
  url = `/v2/${project}/authorizations`;
});

afterAll(() => world.close());

async function grant(
  body: Record<string, unknown>,
  token = acme.token,
): Promise<AuthorizationJson> {
  return (await world.created('POST', url, token, body)) as unknown as AuthorizationJson;
}

async function agency(name: string, extra: Record<string, unknown> = {}): Promise<string> {
  return (await world.created('POST', '/v3/agencies', acme.token, { name, ...extra })).id as string;
}

describe('ModelArts authorization', () => {
  it('names a new agency ma_agency_<IAM user> and gives it the common-user policies', async () => {
    const bob = await world.user(acme.token, 'bob');
    const z = await grant({ user_type: 'iam_user', authorized_to: 'bob' });
    expect(z).toMatchObject({ user_type: 'iam_user', authorized_to: 'bob', user_id: bob });
    expect(z.agency).toMatchObject({ name: 'ma_agency_bob', expires_at: null });
    expect(z.agency.policies.map((p) => p.policy_name).sort()).toEqual([
      'CES FullAccess',
      'ModelArts CommonOperations',
      'OBS OperateAccess',
      'SMN FullAccess',
      'SWR OperateAccess',
    ]);
    const shown = await world.request('GET', `/v3/agencies/${z.agency.id}`, { token: acme.token });
    expect(shown.json()).toMatchObject({
      type: 'cloud_service',
      trusted_service: 'ModelArts',
      validity_period: 'unlimited',
    });
  });

  it('adds a random 4-digit suffix when the default name is taken', async () => {
    await world.user(acme.token, 'carol');
    await agency('ma_agency_carol');
    suffixes.push('4821');
    const z = await grant({ user_type: 'iam_user', authorized_to: 'carol' });
    expect(z.agency.name).toBe('ma_agency_carol_4821');
  });

  it('names agencies for other user types modelarts_agency, suffixed while taken', async () => {
    const first = await grant({ user_type: 'federated_user', authorized_to: 'fed-one' });
    expect(first.agency.name).toBe('modelarts_agency');
    await agency('modelarts_agency_0001');
    suffixes.push('0001', '0002'); // the first suffix is taken too: the next one is tried
    const second = await grant({ user_type: 'federated_user', authorized_to: 'fed-two' });
    expect(second.agency.name).toBe('modelarts_agency_0002');
    const third = await grant({ user_type: 'agency', authorized_to: 'modelarts_agency_0001' });
    expect(third.agency.name).toBe('modelarts_agency_9999');
    expect(third.authorized_to).toBe('modelarts_agency_0001');
  });

  it('uses an existing agency, or a new one with an explicit name and validity period', async () => {
    const existing = await agency('shared', { policy_ids: [POLICY.commonOperations] });
    const z = await grant({
      user_type: 'federated_user',
      authorized_to: 'fed-three',
      agency_id: existing,
    });
    expect(z.agency).toMatchObject({ id: existing, name: 'shared' });
    const named = await grant({
      user_type: 'federated_user',
      authorized_to: 'fed-four',
      new_agency: { name: 'my-agency', validity_period: '30d' },
    });
    expect(named.agency.name).toBe('my-agency');
    const days = (Date.parse(named.agency.expires_at!) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
    const taken = await world.request('POST', url, {
      token: acme.token,
      body: {
        user_type: 'federated_user',
        authorized_to: 'fed-five',
        new_agency: { name: 'My-Agency' },
      },
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json<ErrorJson>().error_code).toBe('IAM.0502');
  });

  it('checks the target against the user type, naming the field', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ user_type: 'all_users', authorized_to: 'x' }, 'authorized_to', 'IAM.0605'],
      [{ user_type: 'iam_user' }, 'authorized_to', 'IAM.0605'],
      [{ user_type: 'iam_user', authorized_to: 'ghost' }, 'authorized_to', 'IAM.0603'],
      [{ user_type: 'agency', authorized_to: 'no-such-agency' }, 'authorized_to', 'IAM.0603'],
      [{ user_type: 'robots' }, 'user_type', 'MAAS.0400'],
      [
        { user_type: 'federated_user', authorized_to: 'f', agency_id: 'nope' },
        'agency_id',
        'MAAS.0400',
      ],
      [
        {
          user_type: 'federated_user',
          authorized_to: 'f',
          agency_id: '00000000-0000-4000-8000-000000000000',
        },
        'agency_id',
        'IAM.0603',
      ],
      [
        { user_type: 'federated_user', authorized_to: 'f', new_agency: { validity_period: '3w' } },
        'new_agency.validity_period',
        'MAAS.0400',
      ],
    ];
    for (const [body, field, code] of cases) {
      const res = await world.request('POST', url, { token: acme.token, body });
      expect({
        body,
        status: res.statusCode,
        code: res.json<ErrorJson>().error_code,
        fields: fieldsOf(res.json<ErrorJson>()),
      }).toEqual({
        body,
        status: 400,
        code,
        fields: [field],
      });
    }
    const again = await world.request('POST', url, {
      token: acme.token,
      body: { user_type: 'iam_user', authorized_to: 'BOB' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json<ErrorJson>().error_code).toBe('IAM.0602');
  });

  it('lets only the root user authorize all users', async () => {
    const adminId = await world.user(acme.token, 'authz-admin');
    const group = await world.group(acme.token, 'authz-admins');
    await world.addToGroup(acme.token, group, adminId);
    await world.attach(acme.token, group, POLICY.fullAccess);
    const admin = await world.signIn(acme.name, 'authz-admin', 'Passw0rd!x');
    const res = await world.request('POST', url, {
      token: admin,
      body: { user_type: 'all_users' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json<ErrorJson>().error_code).toBe('IAM.0604');
    suffixes.push('1234');
    const z = await grant({ user_type: 'all_users' });
    expect(z).toMatchObject({ user_type: 'all_users', authorized_to: null, user_id: null });
    expect(z.agency.name).toBe('modelarts_agency_1234');
  });

  it('is viewed in a list and one by one, with the agency permissions', async () => {
    const list = (await world.request('GET', url, { token: acme.token })).json<{
      authorizations: AuthorizationJson[];
    }>();
    expect(list.authorizations.map((z) => z.authorized_to)).toEqual(
      expect.arrayContaining(['bob', 'carol', 'fed-one', null]),
    );
    const one = await world.request('GET', `${url}/${list.authorizations[0].id}`, {
      token: acme.token,
    });
    expect(one.json<AuthorizationJson>().agency.policies.length).toBeGreaterThan(0);
  });
});

describe('deleting authorizations', () => {
  it('needs {"confirm": "DELETE"} to delete one, else 400 naming the field', async () => {
    await world.user(acme.token, 'dan');
    const z = await grant({ user_type: 'iam_user', authorized_to: 'dan' });
    for (const body of [undefined, {}, { confirm: 'delete' }, { confirm: 'YES' }]) {
      const res = await world.request('DELETE', `${url}/${z.id}`, { token: acme.token, body });
      expect(res.statusCode).toBe(400);
      expect(fieldsOf(res.json<ErrorJson>())).toEqual(['confirm']);
    }
    expect((await world.request('GET', `${url}/${z.id}`, { token: acme.token })).statusCode).toBe(
      200,
    );
    await world.expect(204, 'DELETE', `${url}/${z.id}`, acme.token, { confirm: 'DELETE' });
    expect((await world.request('GET', `${url}/${z.id}`, { token: acme.token })).statusCode).toBe(
      404,
    );
    const again = await world.request('DELETE', `${url}/${z.id}`, {
      token: acme.token,
      body: { confirm: 'DELETE' },
    });
    expect(again.statusCode).toBe(404);
    // The agency stays (deleted in IAM, once unused).
    await world.expect(204, 'DELETE', `/v3/agencies/${z.agency.id}`, acme.token);
  });

  it('clears all with {"confirm": "DELETE"}; agencies in use cannot be deleted before', async () => {
    const list = (await world.request('GET', url, { token: acme.token })).json<{
      authorizations: AuthorizationJson[];
    }>();
    expect(list.authorizations.length).toBeGreaterThan(3);
    const inUse = await world.request(
      'DELETE',
      `/v3/agencies/${list.authorizations[0].agency.id}`,
      { token: acme.token },
    );
    expect(inUse.statusCode).toBe(409);
    expect(inUse.json<ErrorJson>().error_code).toBe('IAM.0504');
    const refused = await world.request('DELETE', url, {
      token: acme.token,
      body: { confirm: 'yes' },
    });
    expect(refused.statusCode).toBe(400);
    expect(fieldsOf(refused.json<ErrorJson>())).toEqual(['confirm']);
    const cleared = await world.request('DELETE', url, {
      token: acme.token,
      body: { confirm: 'DELETE' },
    });
    expect(cleared.statusCode).toBe(200);
    expect(cleared.json()).toEqual({ deleted: list.authorizations.length });
    expect((await world.request('GET', url, { token: acme.token })).json()).toEqual({
      authorizations: [],
    });
    const agencies = (await world.request('GET', '/v3/agencies', { token: acme.token })).json<{
      agencies: unknown[];
    }>();
    expect(agencies.agencies.length).toBeGreaterThanOrEqual(list.authorizations.length);
  });
});

describe('the agency quota', () => {
  it('allows 50 agencies per account; the 51st gets a clear quota error', async () => {
    const small = await world.account();
    for (let i = 1; i <= 50; i++) {
      const res = await world.request('POST', '/v3/agencies', {
        token: small.token,
        body: { name: `agency-${i}` },
      });
      expect({ i, status: res.statusCode }).toEqual({ i, status: 201 });
    }
    const over = await world.request('POST', '/v3/agencies', {
      token: small.token,
      body: { name: 'agency-51' },
    });
    expect(over.statusCode).toBe(403);
    expect(over.json<ErrorJson>()).toMatchObject({
      error_code: 'IAM.0503',
      error_msg: expect.stringMatching(/maximum of 50 agencies/),
      details: { limit: 50 },
    });
    // A new agency through an authorization counts against the same quota.
    const viaGrant = await world.request('POST', `/v2/${small.projectIds[0]}/authorizations`, {
      token: small.token,
      body: { user_type: 'all_users' },
    });
    expect(viaGrant.statusCode).toBe(403);
    expect(viaGrant.json<ErrorJson>().error_code).toBe('IAM.0503');
    // Another account is not affected, and deleting one frees a place.
    expect(
      (
        await world.request('POST', '/v3/agencies', {
          token: acme.token,
          body: { name: 'agency-51' },
        })
      ).statusCode,
    ).toBe(201);
    const agencies = (await world.request('GET', '/v3/agencies', { token: small.token })).json<{
      agencies: { id: string }[];
    }>();
    expect(agencies.agencies).toHaveLength(50);
    await world.expect(204, 'DELETE', `/v3/agencies/${agencies.agencies[0].id}`, small.token);
    expect(
      (
        await world.request('POST', '/v3/agencies', {
          token: small.token,
          body: { name: 'agency-51' },
        })
      ).statusCode,
    ).toBe(201);
  });
});

describe('missing permissions', () => {
  it("lists the Table 2-3 actions and the OBS/SWR authorizations the caller lacks, until they're granted", async () => {
    const userId = await world.user(acme.token, 'newbie');
    const token = await world.signIn(acme.name, 'newbie', 'Passw0rd!x');
    const get = async () =>
      (await world.request('GET', '/v3/auth/missing-permissions', { token })).json<{
        missing_actions: string[];
        dependency_authorizations: { service: string; authorized: boolean }[];
        modelarts_authorized: boolean;
        complete: boolean;
      }>();
    expect(await get()).toEqual({
      missing_actions: [
        'iam:permissions:listRolesForAgencyOnDomain',
        'iam:permissions:listRolesForAgencyOnProject',
        'iam:permissions:listRolesForAgency',
        'iam:agencies:getAgency',
        'iam:agencies:listAgencies',
      ],
      dependency_authorizations: [
        { service: 'OBS', policy: 'OBS OperateAccess', authorized: false },
        { service: 'SWR', policy: 'SWR OperateAccess', authorized: false },
      ],
      modelarts_authorized: false,
      complete: false,
    });
    // The custom policy of seed 002 Table 2-4, attached to the user's group (global scope).
    const policy = await world.policy(acme.token, 'maas-missing', [
      {
        Effect: 'Allow',
        Action: [
          'iam:permissions:listRolesForAgency*',
          'iam:agencies:getAgency',
          'iam:agencies:listAgencies',
        ],
      },
    ]);
    const group = await world.group(acme.token, 'newbies');
    await world.addToGroup(acme.token, group, userId);
    await world.attach(acme.token, group, policy, { scope: 'projects', project_ids: [project] });
    expect((await get()).missing_actions).toHaveLength(5); // IAM actions are global services
    await world.attach(acme.token, group, policy);
    expect((await get()).missing_actions).toEqual([]);
    // An agency with ModelArts and OBS only: SWR is still missing.
    const partial = await agency('newbie-agency', {
      policy_ids: [POLICY.commonOperations, POLICY.obs],
    });
    await grant({ user_type: 'iam_user', authorized_to: 'newbie', agency_id: partial });
    expect(await get()).toMatchObject({
      dependency_authorizations: [
        { service: 'OBS', authorized: true },
        { service: 'SWR', authorized: false },
      ],
      modelarts_authorized: true,
      complete: false,
    });
    await world.expect(200, 'PUT', `/v3/agencies/${partial}/policies/${POLICY.swr}`, acme.token, {
      scope: 'global',
    });
    expect((await get()).complete).toBe(true);
  });

  it('covers the root user through an all-users authorization', async () => {
    const root = async () =>
      (await world.request('GET', '/v3/auth/missing-permissions', { token: acme.token })).json<{
        missing_actions: string[];
        modelarts_authorized: boolean;
      }>();
    expect(await root()).toMatchObject({ missing_actions: [], modelarts_authorized: false });
    suffixes.push('5555');
    await grant({ user_type: 'all_users' });
    expect(await root()).toMatchObject({ missing_actions: [], modelarts_authorized: true });
  });
});
