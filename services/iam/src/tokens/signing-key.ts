import { generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import { loadSigningKey, type SigningKey } from '@maas/auth';
import { type IamConfig } from '../config.js';

export class SigningKeyError extends Error {
  constructor() {
    // Never echo the value: it is the private key.
    super('TOKEN_SIGNING_KEY is invalid: expected an Ed25519 private key in PKCS#8 PEM');
    this.name = 'SigningKeyError';
  }
}

/**
 * The key that signs tokens: TOKEN_SIGNING_KEY (PEM; `\n` escapes accepted, as env files
 * often carry them), or, when unset, an ephemeral key generated now (`ephemeral: true`).
 * Its key id is TOKEN_KEY_ID or the key's RFC 7638 thumbprint, so replicas sharing a key
 * agree on it.
 */
export async function resolveSigningKey(
  config: Pick<IamConfig, 'TOKEN_SIGNING_KEY' | 'TOKEN_KEY_ID'>,
): Promise<{ key: SigningKey; ephemeral: boolean }> {
  const ephemeral = !config.TOKEN_SIGNING_KEY;
  const pem = config.TOKEN_SIGNING_KEY
    ? config.TOKEN_SIGNING_KEY.replaceAll('\\n', '\n')
    : generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  let loaded: SigningKey;
  try {
    loaded = await loadSigningKey(pem, 'pending');
  } catch {
    throw new SigningKeyError();
  }
  const { kty, crv, x } = loaded.publicJwk;
  const kid = config.TOKEN_KEY_ID ?? (await calculateJwkThumbprint({ kty, crv, x }));
  return { key: { ...loaded, kid, publicJwk: { ...loaded.publicJwk, kid } }, ephemeral };
}
