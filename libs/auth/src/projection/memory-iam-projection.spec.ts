import { generateKeyPairSync } from 'node:crypto';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  AccountChangedSchema,
  AccountCreatedSchema,
  buildEvent,
  type Envelope,
  ProjectChangedSchema,
  UserPermissionsChangedSchema,
  UserPolicySchema,
} from '@maas/events';
import { create } from '@bufbuild/protobuf';
import { beforeAll, describe, expect, it } from 'vitest';
import { Actions } from '../policy/actions.js';
import { SYSTEM_POLICIES } from '../policy/system-policies.js';
import { loadSigningKey, TokenSigner } from '../token/token-signer.js';
import { TokenVerifier } from '../token/token-verifier.js';
import { authorizeToken, INVOKE_SERVICE_ACTION } from './authorize-token.js';
import { MemoryIamProjection } from './memory-iam-projection.js';

const ACC = '11111111-1111-4111-8111-111111111111';
const OTHER_ACC = '22222222-2222-4222-8222-222222222222';
const PRJ = '33333333-3333-4333-8333-333333333333';
const PRJ2 = '44444444-4444-4444-8444-444444444444';
const OTHER_PRJ = '55555555-5555-4555-8555-555555555555';
const ALICE = '66666666-6666-4666-8666-666666666666';
const BOB = '77777777-7777-4777-8777-777777777777';
const ROOT = '88888888-8888-4888-8888-888888888888';
const t0 = Date.parse('2026-03-01T10:00:00.000Z');

type PolicySpec = { document: object; projectIds?: string[] };

function user(
  userId: string,
  at: number,
  opts: {
    account?: string;
    policies?: PolicySpec[];
    deleted?: boolean;
    root?: boolean;
    authorized?: boolean;
    until?: Date;
  } = {},
): Envelope {
  return buildEvent({
    schema: UserPermissionsChangedSchema,
    payload: {
      accountId: opts.account ?? ACC,
      userId,
      userName: `u-${userId.slice(0, 4)}`,
      root: opts.root ?? false,
      deleted: opts.deleted ?? false,
      modelartsAuthorized: opts.authorized ?? false,
      ...(opts.until ? { modelartsAuthorizedUntil: timestampFromDate(opts.until) } : {}),
      policies: (opts.policies ?? []).map((p, i) =>
        create(UserPolicySchema, {
          policyId: `p${i}`,
          name: `p${i}`,
          documentJson: JSON.stringify(p.document),
          scopeGlobal: p.projectIds === undefined,
          projectIds: p.projectIds ?? [],
        }),
      ),
    },
    accountId: opts.account ?? ACC,
    aggregateType: 'user',
    aggregateId: userId,
    occurredAt: new Date(at),
  }).envelope;
}

function project(projectId: string, at: number, account = ACC, deleted = false): Envelope {
  return buildEvent({
    schema: ProjectChangedSchema,
    payload: {
      projectId,
      accountId: account,
      region: 'cn-southwest-2',
      name: 'cn-southwest-2',
      deleted,
    },
    accountId: account,
    projectId,
    aggregateType: 'project',
    aggregateId: projectId,
    occurredAt: new Date(at),
  }).envelope;
}

function account(accountId: string, version: bigint, frozen: boolean, at = t0): Envelope {
  return buildEvent({
    schema: AccountChangedSchema,
    payload: {
      accountId,
      name: 'acme',
      frozen,
      version,
      ...(frozen ? { frozenAt: timestampFromDate(new Date(at)), frozenReason: 'arrears' } : {}),
    },
    accountId,
    aggregateType: 'account',
    aggregateId: accountId,
    occurredAt: new Date(at),
  }).envelope;
}

const common = SYSTEM_POLICIES['ModelArts CommonOperations'];

describe('MemoryIamProjection', () => {
  it('keeps the latest permissions snapshot per user; an older one never wins', async () => {
    const iam = new MemoryIamProjection();
    expect(iam.applyEnvelope(user(ALICE, t0, { policies: [{ document: common }] }))).toBe(
      'applied',
    );
    expect((await iam.permissionsOf(ACC, ALICE))?.policies).toHaveLength(1);
    expect(await iam.permissionsOf(OTHER_ACC, ALICE)).toBeUndefined();
    expect(iam.applyEnvelope(user(ALICE, t0 + 1000))).toBe('applied');
    expect(iam.userPermissions(ACC, ALICE)?.policies).toEqual([]);
    // Replayed / reordered: an older snapshot is stale.
    expect(iam.applyEnvelope(user(ALICE, t0 + 500, { policies: [{ document: common }] }))).toBe(
      'stale',
    );
    expect(iam.userPermissions(ACC, ALICE)?.policies).toEqual([]);
    // The same time arriving later wins, as the table's `<=`.
    iam.applyEnvelope(user(ALICE, t0 + 1000, { policies: [{ document: common }] }));
    expect(iam.userPermissions(ACC, ALICE)?.policies).toHaveLength(1);
    // Deleted: forgotten, and an older snapshot cannot bring the user back.
    iam.applyEnvelope(user(ALICE, t0 + 2000, { deleted: true }));
    expect(await iam.permissionsOf(ACC, ALICE)).toBeUndefined();
    expect(iam.applyEnvelope(user(ALICE, t0 + 1500))).toBe('stale');
    expect(iam.userPermissions(ACC, ALICE)).toBeUndefined();
  });

  it('keeps policy scopes: a project-scoped attachment applies in its projects only', () => {
    const iam = new MemoryIamProjection();
    iam.applyEnvelope(user(BOB, t0, { policies: [{ document: common, projectIds: [PRJ] }] }));
    const scoped = iam.userPermissions(ACC, BOB)?.policies[0];
    expect(scoped?.scope).toEqual({ kind: 'projects', projectIds: [PRJ] });
    expect(scoped?.document).toEqual(common);
  });

  it('knows projects and their accounts; a deleted project is gone for good', async () => {
    const iam = new MemoryIamProjection();
    iam.applyEnvelope(project(PRJ, t0));
    iam.applyEnvelope(project(OTHER_PRJ, t0, OTHER_ACC));
    expect(iam.accountOfProject(PRJ)).toBe(ACC);
    expect(iam.project(PRJ)).toEqual({
      projectId: PRJ,
      accountId: ACC,
      region: 'cn-southwest-2',
      name: 'cn-southwest-2',
    });
    expect(await iam.projectBelongsTo(PRJ, ACC)).toBe(true);
    expect(await iam.projectBelongsTo(PRJ, OTHER_ACC)).toBe(false);
    expect(iam.accountOfProject(PRJ2)).toBeUndefined();
    iam.applyEnvelope(project(PRJ, t0 + 10, ACC, true));
    expect(iam.applyEnvelope(project(PRJ, t0 + 5))).toBe('stale');
    expect(iam.accountOfProject(PRJ)).toBeUndefined();
    expect(iam.ownsProject(PRJ, ACC)).toBe(false);
  });

  it('follows an account frozen and unfrozen by version; unknown accounts are not frozen', () => {
    const iam = new MemoryIamProjection();
    expect(iam.isAccountFrozen(ACC)).toBe(false);
    iam.applyEnvelope(account(ACC, 1n, false));
    expect(iam.isAccountFrozen(ACC)).toBe(false);
    iam.applyEnvelope(account(ACC, 2n, true));
    expect(iam.isAccountFrozen(ACC)).toBe(true);
    expect(iam.account(ACC)).toMatchObject({ frozen: true, frozenReason: 'arrears', version: 2n });
    expect(iam.account(ACC)?.frozenAt?.getTime()).toBe(t0);
    // A replayed older (unfrozen) snapshot, even with a later time, does not win: versions do.
    expect(iam.applyEnvelope(account(ACC, 1n, false, t0 + 60_000))).toBe('stale');
    expect(iam.applyEnvelope(account(ACC, 2n, false))).toBe('stale');
    expect(iam.isAccountFrozen(ACC)).toBe(true);
    expect(iam.isAccountFrozen(OTHER_ACC)).toBe(false);
    iam.applyEnvelope(account(ACC, 3n, false));
    expect(iam.isAccountFrozen(ACC)).toBe(false);
  });

  it('knows who may deploy: authorized and not expired', () => {
    const now = new Date(t0);
    const iam = new MemoryIamProjection({ now: () => now });
    iam.applyEnvelope(user(ALICE, t0, { authorized: true }));
    iam.applyEnvelope(user(BOB, t0, { authorized: true, until: new Date(t0 - 1) }));
    iam.applyEnvelope(user(ROOT, t0, { authorized: false }));
    expect(iam.isModelArtsAuthorized(ACC, ALICE)).toBe(true);
    expect(iam.isModelArtsAuthorized(OTHER_ACC, ALICE)).toBe(false);
    expect(iam.isModelArtsAuthorized(ACC, BOB)).toBe(false);
    expect(iam.isModelArtsAuthorized(ACC, ROOT)).toBe(false);
  });

  it('skips the fine-grained events and throws on a payload that is not its type', () => {
    const iam = new MemoryIamProjection();
    const created = buildEvent({
      schema: AccountCreatedSchema,
      payload: { accountId: ACC, name: 'acme' },
      accountId: ACC,
      aggregateType: 'account',
      aggregateId: ACC,
    }).envelope;
    expect(iam.applyEnvelope(created)).toBe('skipped');
    const lying = { ...created, type: UserPermissionsChangedSchema.typeName } as Envelope;
    expect(() => iam.applyEnvelope(lying)).toThrow(/payload/);
    // A policy document that is not JSON: refused before anything changes.
    iam.applyEnvelope(user(ALICE, t0, { policies: [{ document: common }] }));
    const payload = create(UserPermissionsChangedSchema, {
      accountId: ACC,
      userId: ALICE,
      policies: [create(UserPolicySchema, { documentJson: '{not json', scopeGlobal: true })],
    });
    expect(() => iam.applyUser(payload, new Date(t0 + 1))).toThrow();
    expect(iam.userPermissions(ACC, ALICE)?.policies).toHaveLength(1);
  });
});

describe('authorizeToken', () => {
  let signer: TokenSigner;
  let verifier: TokenVerifier;
  const iam = new MemoryIamProjection();
  const deny = { Version: '1.1', Statement: [{ Effect: 'Deny', Action: [INVOKE_SERVICE_ACTION] }] };

  const tokenOf = async (
    userId: string,
    opts: { root?: boolean; projectId?: string; accountId?: string; at?: Date } = {},
  ) =>
    (
      await signer.issue(
        {
          accountId: opts.accountId ?? ACC,
          accountName: 'acme',
          userId,
          userName: 'x',
          root: opts.root ?? false,
          ...(opts.projectId ? { projectId: opts.projectId } : {}),
        },
        opts.at,
      )
    ).token;

  beforeAll(async () => {
    const pem = generateKeyPairSync('ed25519')
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    signer = new TokenSigner(await loadSigningKey(pem, 'k1'), 3600);
    verifier = TokenVerifier.local(signer.jwks());
    for (const e of [
      project(PRJ, t0),
      project(PRJ2, t0),
      project(OTHER_PRJ, t0, OTHER_ACC),
      user(ALICE, t0, { policies: [{ document: common }] }),
      // Bob: CommonOperations in PRJ only, and a Deny of invocation in PRJ2.
      user(BOB, t0, {
        policies: [
          { document: common, projectIds: [PRJ] },
          { document: common, projectIds: [PRJ2] },
          { document: deny, projectIds: [PRJ2] },
        ],
      }),
      user(ROOT, t0, { root: true }),
    ]) {
      iam.applyEnvelope(e);
    }
  });

  const authorize = (token: string | undefined, projectId = PRJ, action = INVOKE_SERVICE_ACTION) =>
    authorizeToken(verifier, iam, token, action, projectId);

  it('allows by the caller’s policies in the project, explicit Deny winning', async () => {
    expect(await authorize(await tokenOf(ALICE))).toMatchObject({
      ok: true,
      accountId: ACC,
      userId: ALICE,
    });
    expect((await authorize(await tokenOf(BOB))).ok).toBe(true);
    expect(await authorize(await tokenOf(BOB), PRJ2)).toEqual({
      ok: false,
      reason: 'action_denied',
    });
    // CommonOperations denies pool creation; an unknown (or deleted) user holds nothing.
    expect(await authorize(await tokenOf(ALICE), PRJ, Actions.poolCreate)).toEqual({
      ok: false,
      reason: 'action_denied',
    });
    expect(await authorize(await tokenOf(BOB.replace('7', '9')))).toEqual({
      ok: false,
      reason: 'action_denied',
    });
    // The root user may do anything in its account.
    expect((await authorize(await tokenOf(ROOT, { root: true }), PRJ, Actions.poolCreate)).ok).toBe(
      true,
    );
  });

  it('refuses a missing, forged or expired token', async () => {
    expect(await authorize(undefined)).toEqual({ ok: false, reason: 'missing_token' });
    expect(await authorize('')).toEqual({ ok: false, reason: 'missing_token' });
    expect(await authorize('not-a-token')).toEqual({ ok: false, reason: 'invalid_token' });
    const old = await tokenOf(ALICE, { at: new Date(Date.now() - 7_200_000) });
    expect(await authorize(old)).toEqual({ ok: false, reason: 'expired_token' });
  });

  it('refuses another account’s or an unknown project, and another project of a scoped token', async () => {
    const alice = await tokenOf(ALICE);
    expect(await authorize(alice, OTHER_PRJ)).toEqual({ ok: false, reason: 'project_not_found' });
    expect(await authorize(alice, 'not-a-project')).toEqual({
      ok: false,
      reason: 'project_not_found',
    });
    const scoped = await tokenOf(ALICE, { projectId: PRJ });
    expect((await authorize(scoped, PRJ)).ok).toBe(true);
    expect(await authorize(scoped, PRJ2)).toEqual({ ok: false, reason: 'project_not_found' });
    // A root token is still bound to its own account's projects.
    const root = await tokenOf(ROOT, { root: true });
    expect(await authorize(root, OTHER_PRJ)).toEqual({ ok: false, reason: 'project_not_found' });
  });

  it('refuses every caller of a frozen account, root included, until unfrozen', async () => {
    iam.applyEnvelope(account(ACC, 10n, true));
    try {
      for (const token of [await tokenOf(ALICE), await tokenOf(ROOT, { root: true })]) {
        expect(await authorize(token)).toEqual({ ok: false, reason: 'account_frozen' });
      }
    } finally {
      iam.applyEnvelope(account(ACC, 11n, false));
    }
    expect((await authorize(await tokenOf(ALICE))).ok).toBe(true);
  });
});
