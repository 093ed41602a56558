import { randomUUID } from 'node:crypto';
import { exportJWK, importPKCS8, type JWK, SignJWT, type CryptoKey } from 'jose';
import { TOKEN_AUDIENCE, TOKEN_ISSUER, type Caller, type TokenClaims } from './claims.js';

export const TOKEN_ALG = 'EdDSA';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/** Loads an Ed25519 private key (PKCS#8 PEM) and derives its public JWK for the JWKS. */
export async function loadSigningKey(pkcs8Pem: string, kid: string): Promise<SigningKey> {
  const privateKey = await importPKCS8(pkcs8Pem, TOKEN_ALG, { extractable: true });
  const jwk = await exportJWK(privateKey);
  const publicJwk: JWK = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, kid, alg: TOKEN_ALG, use: 'sig' };
  return { kid, privateKey, publicJwk };
}

/** Issues IAM tokens (used by the IAM service only). */
export class TokenSigner {
  constructor(
    private readonly key: SigningKey,
    private readonly ttlSeconds: number,
  ) {}

  jwks(): { keys: JWK[] } {
    return { keys: [this.key.publicJwk] };
  }

  async issue(
    caller: Omit<Caller, 'tokenId' | 'expiresAt'>,
    now = new Date(),
  ): Promise<{ token: string; expiresAt: Date; tokenId: string }> {
    const tokenId = randomUUID();
    const iat = Math.floor(now.getTime() / 1000);
    const exp = iat + this.ttlSeconds;
    const claims: Omit<TokenClaims, 'sub' | 'jti'> = {
      acc: caller.accountId,
      acn: caller.accountName,
      usr: caller.userName,
      root: caller.root,
      ...(caller.projectId ? { prj: caller.projectId } : {}),
    };
    const token = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: TOKEN_ALG, kid: this.key.kid, typ: 'JWT' })
      .setSubject(caller.userId)
      .setJti(tokenId)
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(this.key.privateKey);
    return { token, expiresAt: new Date(exp * 1000), tokenId };
  }
}
