import { describe, expect, it } from 'vitest';
import {
  hashSecretKey,
  newAccessKeyPair,
  secretKeyMatches,
} from '../credentials/access-key-secrets.js';
import { PasswordHasher } from '../credentials/password-hasher.js';
import { passwordProblem } from '../credentials/password-policy.js';

describe('passwords', () => {
  const hasher = new PasswordHasher();

  it('are stored as argon2id PHC strings with a fresh salt, and verified', async () => {
    const [a, b] = await Promise.all([hasher.hash('Secret-pass-1'), hasher.hash('Secret-pass-1')]);
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('Secret');
    await expect(hasher.verify(a, 'Secret-pass-1')).resolves.toBe(true);
    await expect(hasher.verify(a, 'Secret-pass-2')).resolves.toBe(false);
  });

  it('never match a missing or malformed hash', async () => {
    await expect(hasher.verify(null, 'anything')).resolves.toBe(false);
    await expect(hasher.verify(undefined, '')).resolves.toBe(false);
    await expect(hasher.verify('plain-text', 'plain-text')).resolves.toBe(false);
  });

  it('must be 8-128 characters of two kinds, without the user name', () => {
    expect(passwordProblem('short1A')).toMatch(/8 to 128/);
    expect(passwordProblem('x'.repeat(129))).toMatch(/8 to 128/);
    expect(passwordProblem('alllowercase')).toMatch(/two of/);
    expect(passwordProblem('Alice-2026!', 'alice')).toMatch(/user name/);
    expect(passwordProblem('Secret-pass-1', 'alice')).toBeUndefined();
    expect(passwordProblem('abcdefg1')).toBeUndefined();
  });
});

describe('access keys', () => {
  it('are a 20-character AK and a 40-character SK, random each time', () => {
    const a = newAccessKeyPair();
    const b = newAccessKeyPair();
    expect(a.accessKey).toMatch(/^[A-Z0-9]{20}$/);
    expect(a.secretKey).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(a.accessKey).not.toBe(b.accessKey);
    expect(a.secretKey).not.toBe(b.secretKey);
  });

  it('keep only a hash of the secret, checked in constant time', () => {
    const { secretKey } = newAccessKeyPair();
    const stored = hashSecretKey(secretKey);
    expect(stored).toMatch(/^[0-9a-f]{64}$/);
    expect(stored).not.toContain(secretKey);
    expect(secretKeyMatches(stored, secretKey)).toBe(true);
    expect(secretKeyMatches(stored, `${secretKey.slice(0, -1)}x`)).toBe(false);
    expect(secretKeyMatches('', secretKey)).toBe(false);
  });
});
