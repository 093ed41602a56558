import { Global, Logger, Module } from '@nestjs/common';
import { PERMISSION_SOURCE, TOKEN_VERIFIER, TokenSigner, TokenVerifier } from '@maas/auth';
import { IAM_CONFIG, type IamConfig } from '../config.js';
import { IamPermissionSource } from '../permissions/iam-permission-source.js';
import { resolveSigningKey } from './signing-key.js';

/**
 * Token signing and verification, and IAM's PermissionSource: what IamGuard needs on every
 * IAM route. IAM verifies its own tokens with its own public key (no JWKS round trip).
 */
@Global()
@Module({
  providers: [
    {
      provide: TokenSigner,
      inject: [IAM_CONFIG],
      useFactory: async (config: IamConfig) => {
        const { key, ephemeral } = await resolveSigningKey(config);
        if (ephemeral) {
          new Logger('Tokens').warn({
            msg:
              'TOKEN_SIGNING_KEY is not set: tokens are signed with an ephemeral key; they stop ' +
              'working when this process exits, and other replicas reject them. Set it in production.',
            kid: key.kid,
          });
        }
        return new TokenSigner(key, config.TOKEN_TTL_SECONDS);
      },
    },
    {
      provide: TOKEN_VERIFIER,
      inject: [TokenSigner],
      useFactory: (signer: TokenSigner) => TokenVerifier.local(signer.jwks()),
    },
    IamPermissionSource,
    { provide: PERMISSION_SOURCE, useExisting: IamPermissionSource },
  ],
  exports: [TokenSigner, TOKEN_VERIFIER, PERMISSION_SOURCE],
})
export class AuthModule {}
