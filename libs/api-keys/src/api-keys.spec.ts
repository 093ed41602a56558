import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { describe, expect, it } from 'vitest';
import {
  ApiKeyChangedSchema,
  ApiKeyDeletedSchema,
  ApiKeyScopeSchema,
  ApiKeyStatus,
} from '@maas/events';
import { KeyProjection } from './key-projection.js';
import { parseCidr, ScopeMatcher } from './scope.js';
import {
  API_KEY_PATTERN,
  ApiKeyHasher,
  displayParts,
  generateApiKeySecret,
  looksLikeApiKey,
} from './secret.js';

const PEPPER = 'unit-test-pepper-0123456789abcdef0123';
const hasher = new ApiKeyHasher(PEPPER);

describe('secrets', () => {
  it('are sk- and 43 base62 characters, all different, every character used', () => {
    const secrets = Array.from({ length: 2_000 }, generateApiKeySecret);
    expect(new Set(secrets).size).toBe(secrets.length);
    for (const s of secrets) expect(s).toMatch(API_KEY_PATTERN);
    const seen = new Set(secrets.flatMap((s) => [...s.slice(3)]));
    expect(seen.size).toBe(62);
    expect(looksLikeApiKey('sk-short')).toBe(false);
  });

  it('hash as hmac-sha256 under the pepper: stable, pepper-dependent, never the secret', () => {
    const secret = generateApiKeySecret();
    const hash = hasher.hash(secret);
    expect(hash).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    expect(hasher.hash(secret)).toBe(hash);
    expect(new ApiKeyHasher(`${PEPPER}x`).hash(secret)).not.toBe(hash);
    expect(hash).not.toContain(secret.slice(3));
    // HMAC-SHA-256(pepper as UTF-8 bytes, secret): what the keys service stored stays valid.
    expect(hasher.hash('sk-known')).toBe(
      'hmac-sha256:b48092fcd53c9bbe3d8543e0b810cf42ecd8239727364523fb7ea1fe74d3c386',
    );
    expect(() => new ApiKeyHasher('short')).toThrow(/at least 32/);
  });

  it('show sk- plus 4 characters and the last 4', () => {
    expect(displayParts('sk-ABCDefghijklmnopqrstuvwxyz0123456789WXYZabc')).toEqual({
      prefix: 'sk-ABCD',
      suffix: 'Zabc',
    });
  });
});

describe('scope', () => {
  it('parses IPv4 and IPv6 CIDRs and refuses the rest', () => {
    expect(parseCidr('203.0.113.0/24')).toEqual({
      address: '203.0.113.0',
      family: 'ipv4',
      prefix: 24,
    });
    expect(parseCidr('2001:db8::/32')).toMatchObject({ family: 'ipv6', prefix: 32 });
    for (const bad of ['203.0.113.0', '203.0.113.0/33', '300.1.1.1/8', 'x/1', '::/129']) {
      expect(parseCidr(bad)).toBeUndefined();
    }
  });

  it('allows named services, listed models and allowlisted addresses only', () => {
    const matcher = new ScopeMatcher({
      allServices: false,
      serviceIds: ['svc-a'],
      allowedCidrs: ['10.1.0.0/16', '2001:db8::/32'],
      allowedModels: ['DeepSeek-R1'],
    });
    const ok = { serviceId: 'svc-a', model: 'DeepSeek-R1', clientIp: '10.1.2.3' };
    expect(matcher.refusal(ok)).toBeUndefined();
    expect(matcher.refusal({ ...ok, clientIp: '::ffff:10.1.2.3' })).toBeUndefined();
    expect(matcher.refusal({ ...ok, clientIp: '2001:db8::7' })).toBeUndefined();
    expect(matcher.refusal({ ...ok, serviceId: 'svc-b' })).toBe('service_not_allowed');
    expect(matcher.refusal({ ...ok, model: 'Qwen' })).toBe('model_not_allowed');
    expect(matcher.refusal({ ...ok, clientIp: '10.2.0.1' })).toBe('ip_not_allowed');
    expect(matcher.refusal({ ...ok, clientIp: undefined })).toBe('ip_not_allowed');
    const open = new ScopeMatcher({
      allServices: true,
      serviceIds: [],
      allowedCidrs: [],
      allowedModels: [],
    });
    expect(open.refusal({ serviceId: 'any', model: 'any', clientIp: '1.2.3.4' })).toBeUndefined();
  });
});

describe('KeyProjection', () => {
  const t0 = new Date('2026-03-01T10:00:00.000Z');
  const current = generateApiKeySecret();
  const previous = generateApiKeySecret();

  function changed(
    version: bigint,
    extra: Partial<{ previousUntil: Date; status: ApiKeyStatus }> = {},
  ) {
    return create(ApiKeyChangedSchema, {
      keyId: 'key-1',
      accountId: 'acc-1',
      projectId: 'prj-1',
      region: 'cn-southwest-2',
      tag: 'app',
      status: extra.status ?? ApiKeyStatus.ACTIVE,
      secretHash: hasher.hash(current),
      ...(extra.previousUntil
        ? {
            previousSecretHash: hasher.hash(previous),
            previousValidUntil: timestampFromDate(extra.previousUntil),
          }
        : {}),
      scope: create(ApiKeyScopeSchema, { allServices: true }),
      version,
    });
  }
  const ctx = { region: 'cn-southwest-2' };

  it('verifies the current secret in its region and project only', () => {
    const projection = new KeyProjection(hasher);
    projection.applyChanged(changed(1n));
    expect(projection.verify(current, ctx)).toMatchObject({ ok: true, secret: 'current' });
    expect(projection.verify(current, { ...ctx, projectId: 'prj-1' }).ok).toBe(true);
    expect(projection.verify(current, { ...ctx, projectId: 'prj-2' })).toMatchObject({
      reason: 'wrong_project',
    });
    expect(projection.verify(current, { region: 'ap-southeast-1' })).toMatchObject({
      reason: 'wrong_region',
    });
    expect(projection.verify(previous, ctx)).toEqual({ ok: false, reason: 'unknown_key' });
  });

  it('honours a rotation grace period to the millisecond', () => {
    const until = new Date(t0.getTime() + 30_000);
    const projection = new KeyProjection(hasher);
    projection.applyChanged(changed(2n, { previousUntil: until }));
    const at = (ms: number) => ({ ...ctx, now: new Date(until.getTime() + ms) });
    expect(projection.verify(previous, at(-1))).toMatchObject({ ok: true, secret: 'previous' });
    expect(projection.verify(previous, at(0))).toMatchObject({ ok: false, reason: 'unknown_key' });
    expect(projection.verify(current, at(1_000_000)).ok).toBe(true);
  });

  it('refuses a frozen key as frozen (not unknown), whatever the call, until unfrozen', () => {
    const until = new Date(t0.getTime() + 30_000);
    const projection = new KeyProjection(hasher);
    projection.applyChanged(changed(1n));
    projection.applyChanged(changed(2n, { status: ApiKeyStatus.FROZEN, previousUntil: until }));
    expect(projection.get('key-1')?.frozen).toBe(true);
    const frozen = { ok: false, reason: 'frozen', keyId: 'key-1' };
    expect(projection.verify(current, ctx)).toEqual(frozen);
    // The previous secret during its grace period, another region or project: still frozen.
    expect(projection.verify(previous, { ...ctx, now: t0 })).toEqual(frozen);
    expect(projection.verify(current, { region: 'ap-southeast-1' })).toEqual(frozen);
    expect(projection.verify(current, { ...ctx, projectId: 'prj-2' })).toEqual(frozen);
    // A secret past its grace period is unknown, frozen or not.
    expect(projection.verify(previous, { ...ctx, now: until })).toMatchObject({
      reason: 'unknown_key',
    });
    expect(projection.verify(generateApiKeySecret(), ctx)).toEqual({
      ok: false,
      reason: 'unknown_key',
    });
    // A replayed older (active) message does not unfreeze it; a newer one does.
    projection.applyChanged(changed(1n));
    expect(projection.verify(current, ctx)).toEqual(frozen);
    projection.applyChanged(changed(3n));
    expect(projection.verify(current, ctx)).toMatchObject({ ok: true, secret: 'current' });
    expect(projection.get('key-1')?.frozen).toBe(false);
  });

  it('forgets a key whose status is neither active nor frozen', () => {
    const projection = new KeyProjection(hasher);
    projection.applyChanged(changed(1n));
    projection.applyChanged(changed(2n, { status: ApiKeyStatus.DELETED }));
    expect(projection.size).toBe(0);
    expect(projection.verify(current, ctx)).toEqual({ ok: false, reason: 'unknown_key' });
  });

  it('ignores older versions and never revives a deleted key', () => {
    const projection = new KeyProjection(hasher);
    projection.applyChanged(changed(3n, { previousUntil: new Date(Date.now() + 60_000) }));
    projection.applyChanged(changed(2n));
    expect(projection.get('key-1')?.version).toBe(3n);
    projection.applyDeleted(create(ApiKeyDeletedSchema, { keyId: 'key-1', version: 4n }));
    expect(projection.verify(current, ctx)).toEqual({ ok: false, reason: 'unknown_key' });
    expect(projection.verify(previous, ctx)).toEqual({ ok: false, reason: 'unknown_key' });
    projection.applyChanged(changed(3n)); // a replay of an older message
    expect(projection.size).toBe(0);
    projection.applyChanged(changed(5n));
    projection.applyTombstone('key-1');
    expect(projection.verify(current, ctx).ok).toBe(false);
  });
});
