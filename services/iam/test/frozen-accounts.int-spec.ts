// Freezing an account (ModelArts.81006, seed 002 Table 4-19): the operator API, the
// AccountChanged snapshots on maas.iam.v1, what still works for the tenant, and the
// database-less check a gateway makes (MemoryIamProjection replayed from IAM's real topic +
// authorizeToken with IAM's real tokens).
import { type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authorizeToken,
  INVOKE_SERVICE_ACTION,
  MemoryIamProjection,
  MemoryIamProjectionConsumer,
  TokenVerifier,
} from '@maas/auth';
import { type AccountChanged, AccountChangedSchema, type DecodedEvent } from '@maas/events';
import { eventually, quiet, reportTiming, withRoom } from '@maas/testing';
import { IamWorld, OPERATOR_TOKEN, POLICY, type TestAccount } from './harness.js';

const world = new IamWorld();
let acme: TestAccount;
let other: TestAccount;

const operator = { 'x-operator-token': OPERATOR_TOKEN };
const setFrozen = (id: string, body: unknown, headers: Record<string, string> = operator) =>
  world.request('PUT', `/v3/accounts/${id}/frozen`, { headers, body });

beforeAll(async () => {
  await world.start();
  acme = await world.account();
  other = await world.account();
});

afterAll(() => world.close());

type Collected = Awaited<ReturnType<IamWorld['collect']>>['events'];
const accountSnapshots = (events: Collected, accountId: string) =>
  events
    .filter(
      (e): e is Collected[number] & DecodedEvent<AccountChanged> =>
        e.type === AccountChangedSchema.typeName && e.aggregateId === accountId,
    )
    .map((e) => e.payload);

describe('freezing an account', () => {
  it('is for the operator only, and validates its input', async () => {
    expect((await setFrozen(acme.id, { frozen: true }, {})).statusCode).toBe(401);
    const tenant = await world.request('PUT', `/v3/accounts/${acme.id}/frozen`, {
      token: acme.token,
      body: { frozen: true },
    });
    expect(tenant.statusCode).toBe(401);
    const bad = await setFrozen(acme.id, { frozen: 'yes', reason: 'x'.repeat(201) });
    expect(bad.statusCode).toBe(400);
    const fields = bad.json<{ details: { fields: { field: string }[] } }>().details.fields;
    expect(bad.json()).toMatchObject({ error_code: 'MAAS.0400' });
    expect(fields.map((f) => f.field).sort()).toEqual(['frozen', 'reason']);
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const missing = await setFrozen(id, { frozen: true });
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toMatchObject({ error_code: 'IAM.0101' });
    }
  });

  it('freezes and unfreezes; the tenant can still sign in and use the admin APIs', async () => {
    const frozen = await setFrozen(acme.id, { frozen: true, reason: 'arrears' });
    expect(frozen.statusCode).toBe(200);
    expect(frozen.json()).toMatchObject({
      id: acme.id,
      frozen: true,
      frozen_reason: 'arrears',
      root_user: { id: acme.rootId },
    });
    expect(Date.parse(frozen.json<{ frozen_at: string }>().frozen_at)).toBeGreaterThan(0);
    const shown = await world.request('GET', `/v3/accounts/${acme.id}`, { headers: operator });
    expect(shown.json()).toMatchObject({ frozen: true, frozen_reason: 'arrears' });
    // Same state again: nothing changes (no new snapshot, see the events test).
    expect((await setFrozen(acme.id, { frozen: true, reason: 'arrears' })).statusCode).toBe(200);

    // Admin APIs keep working: a token is issued and a listing answers.
    const token = await world.signIn(acme.name, acme.name, acme.password);
    expect((await world.request('GET', '/v3/projects', { token })).statusCode).toBe(200);

    const thawed = await setFrozen(acme.id, { frozen: false, reason: 'ignored' });
    expect(thawed.json()).toMatchObject({ frozen: false, frozen_at: null, frozen_reason: '' });
    // The other account was never touched.
    const untouched = await world.request('GET', `/v3/accounts/${other.id}`, { headers: operator });
    expect(untouched.json()).toMatchObject({ frozen: false });
  });

  it('publishes AccountChanged snapshots with growing versions, one per real change', async () => {
    const { events } = await world.collect();
    // Both accounts' snapshots (keyed by account id, so possibly on different partitions).
    await eventually(
      () =>
        accountSnapshots(events, acme.id).length >= 3 &&
        accountSnapshots(events, other.id).length >= 1,
      { timeoutMs: 30_000, description: 'the accounts’ snapshots' },
    );
    const snapshots = accountSnapshots(events, acme.id);
    expect(snapshots.map((s) => [s.version, s.frozen, s.frozenReason])).toEqual([
      [1n, false, ''],
      [2n, true, 'arrears'],
      [3n, false, ''],
    ]);
    expect(snapshots[1].frozenAt).toBeDefined();
    expect(snapshots.every((s) => s.name === acme.name)).toBe(true);
    expect(accountSnapshots(events, other.id).map((s) => s.version)).toEqual([1n]);
  });
});

describe("a gateway's view (no database): MemoryIamProjection + authorizeToken", () => {
  let projection: MemoryIamProjection;
  let consumer: MemoryIamProjectionConsumer;
  let verifier: TokenVerifier;

  beforeAll(async () => {
    const jwks = await world.request('GET', '/v3/auth/jwks');
    verifier = TokenVerifier.local(jwks.json<JSONWebKeySet>());
    projection = new MemoryIamProjection();
    consumer = new MemoryIamProjectionConsumer({
      kafka: world.kafka,
      projection,
      topicPrefix: world.prefix,
      name: 'gateway-test.iam',
      logger: quiet,
    });
    world.groups.push(consumer.groupId);
    await consumer.start();
    await consumer.ready;
  });

  afterAll(() => consumer?.stop());

  it('authorizes by policy, refuses a frozen account with its own reason, follows an unfreeze', async () => {
    const [project] = acme.projectIds;
    const invoke = (token: string, projectId = project) =>
      authorizeToken(verifier, projection, token, INVOKE_SERVICE_ACTION, projectId);

    // Replayed from the beginning: acme's projects, users and account state are there.
    expect(consumer.caughtUp).toBe(true);
    expect(projection.accountOfProject(project)).toBe(acme.id);
    expect(projection.isAccountFrozen(acme.id)).toBe(false);

    // A user without policies is denied; with CommonOperations in a group, allowed.
    const bob = await world.user(acme.token, 'bob');
    const bobToken = await world.signIn(acme.name, 'bob', 'Passw0rd!x');
    await eventually(async () => (await projection.permissionsOf(acme.id, bob)) !== undefined);
    expect(await invoke(bobToken)).toEqual({ ok: false, reason: 'action_denied' });
    const group = await world.group(acme.token, 'callers');
    await world.addToGroup(acme.token, group, bob);
    await world.attach(acme.token, group, POLICY.commonOperations);
    await eventually(async () => (await invoke(bobToken)).ok, { description: 'bob allowed' });
    expect(await invoke(bobToken)).toMatchObject({ ok: true, accountId: acme.id, userId: bob });
    expect(await invoke(bobToken, other.projectIds[0])).toEqual({
      ok: false,
      reason: 'project_not_found',
    });

    // Frozen: every caller of the account is refused (root too), within about a second.
    expect((await setFrozen(acme.id, { frozen: true })).statusCode).toBe(200);
    const frozenAt = Date.now();
    await eventually(() => projection.isAccountFrozen(acme.id), {
      timeoutMs: withRoom(1_000) + 5_000,
      intervalMs: 5,
      description: 'the freeze',
    });
    reportTiming('account frozen → seen by a gateway projection', Date.now() - frozenAt, 1_000);
    expect(Date.now() - frozenAt).toBeLessThan(withRoom(1_000));
    for (const token of [bobToken, acme.token]) {
      expect(await invoke(token)).toEqual({ ok: false, reason: 'account_frozen' });
    }
    expect((await invoke(other.token, other.projectIds[0])).ok).toBe(true);

    expect((await setFrozen(acme.id, { frozen: false })).statusCode).toBe(200);
    await eventually(() => !projection.isAccountFrozen(acme.id), { description: 'the unfreeze' });
    expect((await invoke(bobToken)).ok).toBe(true);
  });
});
