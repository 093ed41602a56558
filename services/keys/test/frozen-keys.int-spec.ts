// Freezing one API key (ModelArts.81006, seed 002 Table 4-19) on the real stack: the operator
// API, what the tenant sees and may still do, and what a gateway's KeyProjection (fed by the
// real maas.keys.v1) answers for the key's secret.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KeyProjection, type KeyProjectionConsumer } from '@maas/api-keys';
import { ApiKeyChangedSchema, ApiKeyStatus, parseEvent, Topic } from '@maas/events';
import { eventually, reportTiming, withRoom } from '@maas/testing';
import { KeysWorld, type RawMessage, REGION, type TestAccount } from './harness.js';

const OPERATOR_TOKEN = 'operator-secret-of-the-keys-tests-0123456789';
const operator = { 'x-operator-token': OPERATOR_TOKEN };

interface KeyJson {
  id: string;
  api_key?: string;
  status: string;
  frozen_at: string | null;
  frozen_reason: string;
}

const world = new KeysWorld({ OPERATOR_TOKEN });
let acct: TestAccount;
let other: TestAccount;
let projection: KeyProjection;
let projector: KeyProjectionConsumer;
let topic: RawMessage[];

const keysOf = (a: TestAccount) => `/v1/${a.projectId}/api-keys`;
const setFrozen = (a: TestAccount, id: string, body: unknown, headers = operator) =>
  world.request('PUT', `${keysOf(a)}/${id}/frozen`, { headers, body });
const verify = (secret: string) => projection.verify(secret, { region: REGION });
/** What the gateway's projection says of a secret: 'ok' or the refusal. */
const verdict = (secret: string) => {
  const result = verify(secret);
  return result.ok ? 'ok' : result.reason;
};

async function createKey(a: TestAccount, tag: string): Promise<Required<KeyJson>> {
  const res = await world.request('POST', keysOf(a), a.rootToken, { tag, description: 'd' });
  if (res.statusCode !== 201) throw new Error(`create: ${res.statusCode} ${res.body}`);
  return res.json<Required<KeyJson>>();
}

beforeAll(async () => {
  await world.start();
  acct = await world.account();
  other = await world.account();
  topic = await world.collect(Topic.Keys);
  ({ projection, consumer: projector } = world.keyProjection());
  await projector.start();
  await projector.ready;
});

afterAll(() => world.close());

describe('freezing an API key', () => {
  it('is for the operator only, and validates its input', async () => {
    const key = await createKey(acct, 'guarded');
    expect(
      (await setFrozen(acct, key.id, { frozen: true }, {} as typeof operator)).statusCode,
    ).toBe(401);
    // The tenant's own token, even the root user's, does not open the operator route.
    const tenant = await world.request('PUT', `${keysOf(acct)}/${key.id}/frozen`, {
      token: acct.rootToken,
      body: { frozen: true },
    });
    expect(tenant.statusCode).toBe(401);
    const bad = await setFrozen(acct, key.id, { frozen: 'yes', reason: 'x'.repeat(201) });
    expect(bad.statusCode).toBe(400);
    const fields = bad.json<{ details: { fields: { field: string }[] } }>().details.fields;
    expect(fields.map((f) => f.field).sort()).toEqual(['frozen', 'reason']);
    // Unknown, malformed, or in another project / account: 404.
    for (const [a, id] of [
      [acct, '00000000-0000-4000-8000-000000000000'],
      [acct, 'not-a-key'],
      [other, key.id],
    ] as const) {
      const missing = await setFrozen(a, id, { frozen: true });
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toMatchObject({ error_code: 'KEYS.0101' });
    }
    // None of that froze it.
    await eventually(() => verdict(key.api_key) === 'ok', { description: 'the key, working' });
  });

  it('makes the gateways answer frozen within a second; the tenant sees it and may rotate or delete it', async () => {
    const key = await createKey(acct, 'to-freeze');
    const bystander = await createKey(acct, 'bystander');
    await eventually(() => verify(key.api_key).ok && verify(bystander.api_key).ok, {
      description: 'the keys at the gateway',
    });

    const frozen = await setFrozen(acct, key.id, { frozen: true, reason: 'abuse report' });
    const answered = Date.now();
    expect(frozen.statusCode).toBe(200);
    expect(frozen.json()).toMatchObject({
      id: key.id,
      status: 'frozen',
      frozen_reason: 'abuse report',
    });
    expect(frozen.body).not.toContain(key.api_key);
    await eventually(() => !verify(key.api_key).ok, {
      timeoutMs: withRoom(1_000) + 5_000,
      intervalMs: 5,
      description: 'the freeze at the gateway',
    });
    reportTiming('key frozen → refused by a gateway projection', Date.now() - answered, 1_000);
    expect(Date.now() - answered).toBeLessThan(withRoom(1_000));
    expect(verify(key.api_key)).toEqual({ ok: false, reason: 'frozen', keyId: key.id });
    expect(verify(bystander.api_key).ok).toBe(true);

    // The tenant sees why; the same state again publishes nothing.
    const shown = await world.request('GET', `${keysOf(acct)}/${key.id}`, acct.rootToken);
    expect(shown.json()).toMatchObject({ status: 'frozen', frozen_reason: 'abuse report' });
    expect(Date.parse(shown.json<KeyJson>().frozen_at!)).toBeGreaterThan(0);
    expect(
      (await setFrozen(acct, key.id, { frozen: true, reason: 'abuse report' })).statusCode,
    ).toBe(200);

    // Rotating does not unfreeze: the new secret is frozen too.
    const rotated = await world.request(
      'POST',
      `${keysOf(acct)}/${key.id}/rotate`,
      acct.rootToken,
      {},
    );
    expect(rotated.statusCode).toBe(200);
    const fresh = rotated.json<Required<KeyJson>>();
    expect(fresh.status).toBe('frozen');
    await eventually(() => verdict(fresh.api_key) === 'frozen', {
      description: 'the rotated secret, frozen',
    });

    // Unfrozen: it works again, with no reason left.
    const thawed = await setFrozen(acct, key.id, { frozen: false, reason: 'ignored' });
    expect(thawed.json()).toMatchObject({ status: 'active', frozen_at: null, frozen_reason: '' });
    await eventually(() => verify(fresh.api_key).ok, { description: 'the unfreeze' });

    // The topic: one ApiKeyChanged per real change, versions growing, status following.
    const changes = () =>
      topic
        .filter((m) => m.key === key.id && m.value)
        .map((m) => parseEvent(m.value!))
        .filter((e) => e.type === ApiKeyChangedSchema.typeName)
        .map((e) => e.payload as unknown as { status: ApiKeyStatus; version: bigint });
    await eventually(() => changes().length >= 4, { description: 'the changes on the topic' });
    expect(changes().map((c) => [c.version, c.status])).toEqual([
      [1n, ApiKeyStatus.ACTIVE],
      [2n, ApiKeyStatus.FROZEN],
      [3n, ApiKeyStatus.FROZEN],
      [4n, ApiKeyStatus.ACTIVE],
    ]);

    // A frozen key can be deleted like any other.
    await setFrozen(acct, bystander.id, { frozen: true });
    const deleted = await world.request(
      'DELETE',
      `${keysOf(acct)}/${bystander.id}`,
      acct.rootToken,
    );
    expect(deleted.statusCode).toBe(204);
    await eventually(() => verdict(bystander.api_key) === 'unknown_key', {
      description: 'the deletion',
    });
  });
});
