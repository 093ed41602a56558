import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TokenSigner, TokenVerifier } from '@maas/auth';
import { resolveSigningKey, SigningKeyError } from './signing-key.js';

const pem = () =>
  generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

describe('the signing key', () => {
  it("gets the key's RFC 7638 thumbprint as key id, the same for every replica", async () => {
    const key = pem();
    const [a, b] = await Promise.all([
      resolveSigningKey({ TOKEN_SIGNING_KEY: key, TOKEN_KEY_ID: undefined }),
      resolveSigningKey({ TOKEN_SIGNING_KEY: key, TOKEN_KEY_ID: undefined }),
    ]);
    expect(a.ephemeral).toBe(false);
    expect(a.key.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.key.kid).toBe(b.key.kid);
    expect(a.key.publicJwk.kid).toBe(a.key.kid);
    expect(a.key.publicJwk).not.toHaveProperty('d');
  });

  it('accepts \\n escapes (env files) and an explicit key id', async () => {
    const key = pem();
    const { key: escaped } = await resolveSigningKey({
      TOKEN_SIGNING_KEY: key.replaceAll('\n', '\\n'),
      TOKEN_KEY_ID: 'k-2026',
    });
    expect(escaped.kid).toBe('k-2026');
    const signer = new TokenSigner(escaped, 60);
    const { token } = await signer.issue({
      accountId: 'a',
      accountName: 'acme',
      userId: 'u',
      userName: 'alice',
      root: false,
    });
    await expect(TokenVerifier.local(signer.jwks()).verify(token)).resolves.toMatchObject({
      userName: 'alice',
    });
  });

  it('is generated when unset (ephemeral)', async () => {
    const { ephemeral, key } = await resolveSigningKey({
      TOKEN_SIGNING_KEY: undefined,
      TOKEN_KEY_ID: undefined,
    });
    expect(ephemeral).toBe(true);
    expect(key.publicJwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
  });

  it('refuses something else without repeating it', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    for (const bad of ['not-a-key', rsa]) {
      const error = await resolveSigningKey({
        TOKEN_SIGNING_KEY: bad,
        TOKEN_KEY_ID: undefined,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SigningKeyError);
      expect((error as Error).message).not.toContain(bad.slice(0, 20));
    }
  });
});
