import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadSigningKey, TokenSigner } from './token-signer.js';
import { TokenVerificationError, TokenVerifier } from './token-verifier.js';

const pem = () =>
  generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

const caller = {
  accountId: 'acc-1',
  accountName: 'tenant-a',
  userId: 'user-1',
  userName: 'alice',
  root: false,
  projectId: 'proj-1',
};

describe('IAM tokens', () => {
  it('round-trips the caller through sign and local verify', async () => {
    const signer = new TokenSigner(await loadSigningKey(pem(), 'k1'), 3600);
    const { token, expiresAt } = await signer.issue(caller);
    const verified = await TokenVerifier.local(signer.jwks()).verify(token);
    expect(verified).toMatchObject(caller);
    expect(verified.expiresAt.getTime()).toBe(expiresAt.getTime());
  });

  it('rejects an expired token as expired', async () => {
    const signer = new TokenSigner(await loadSigningKey(pem(), 'k1'), 60);
    const { token } = await signer.issue(caller, new Date(Date.now() - 120_000));
    await expect(TokenVerifier.local(signer.jwks()).verify(token)).rejects.toMatchObject({
      problem: 'expired',
    });
  });

  it('rejects a tampered token and one signed by another key', async () => {
    const signer = new TokenSigner(await loadSigningKey(pem(), 'k1'), 60);
    const verifier = TokenVerifier.local(signer.jwks());
    const { token } = await signer.issue(caller);
    const [h, p, s] = token.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, root: true })).toString('base64url');
    await expect(verifier.verify(`${h}.${forged}.${s}`)).rejects.toBeInstanceOf(
      TokenVerificationError,
    );
    const other = new TokenSigner(await loadSigningKey(pem(), 'k1'), 60);
    await expect(verifier.verify((await other.issue(caller)).token)).rejects.toMatchObject({
      problem: 'invalid',
    });
    await expect(verifier.verify('not-a-token')).rejects.toMatchObject({ problem: 'invalid' });
  });
});
