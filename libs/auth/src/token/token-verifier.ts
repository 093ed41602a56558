import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type JSONWebKeySet,
  jwtVerify,
  type JWTVerifyGetKey,
} from 'jose';
import { TOKEN_AUDIENCE, TOKEN_ISSUER, type Caller } from './claims.js';
import { TOKEN_ALG } from './token-signer.js';

export type TokenProblem = 'expired' | 'invalid';

export class TokenVerificationError extends Error {
  constructor(readonly problem: TokenProblem) {
    super(problem === 'expired' ? 'The token has expired.' : 'The token is invalid.');
    this.name = 'TokenVerificationError';
  }
}

/**
 * Verifies IAM tokens locally against IAM's public keys (a JWKS fetched once and cached,
 * re-fetched on an unknown key id), so no service calls IAM per request.
 */
export class TokenVerifier {
  private constructor(private readonly keys: JWTVerifyGetKey) {}

  /** Keys fetched from IAM's `/v3/auth/jwks` (cached; refreshed on an unknown kid). */
  static remote(jwksUrl: string): TokenVerifier {
    return new TokenVerifier(
      createRemoteJWKSet(new URL(jwksUrl), {
        cooldownDuration: 30_000,
        cacheMaxAge: 600_000,
        timeoutDuration: 5_000,
      }),
    );
  }

  static local(jwks: JSONWebKeySet): TokenVerifier {
    return new TokenVerifier(createLocalJWKSet(jwks));
  }

  async verify(token: string, now?: Date): Promise<Caller> {
    try {
      const { payload } = await jwtVerify(token, this.keys, {
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
        algorithms: [TOKEN_ALG],
        requiredClaims: ['sub', 'jti', 'exp', 'acc', 'usr'],
        ...(now ? { currentDate: now } : {}),
      });
      const str = (v: unknown) => (typeof v === 'string' ? v : '');
      return {
        accountId: str(payload.acc),
        accountName: str(payload.acn),
        userId: str(payload.sub),
        userName: str(payload.usr),
        root: payload.root === true,
        ...(typeof payload.prj === 'string' ? { projectId: payload.prj } : {}),
        tokenId: str(payload.jti),
        expiresAt: new Date((payload.exp ?? 0) * 1000),
      };
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new TokenVerificationError('expired');
      throw new TokenVerificationError('invalid');
    }
  }
}
