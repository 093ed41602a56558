import { Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { IamProjection, PERMISSION_SOURCE, TOKEN_VERIFIER, TokenVerifier } from '@maas/auth';
import { KEYS_CONFIG, type KeysConfig } from '../config.js';

/**
 * What IamGuard needs: tokens verified locally against IAM's public keys (fetched once from
 * IAM_JWKS_URL and cached), and permissions and projects from this service's own projection
 * of maas.iam.v1 (no call to IAM per request).
 */
@Global()
@Module({
  providers: [
    {
      provide: TOKEN_VERIFIER,
      inject: [KEYS_CONFIG],
      useFactory: (config: KeysConfig) => TokenVerifier.remote(config.IAM_JWKS_URL),
    },
    {
      provide: IamProjection,
      inject: [DataSource, KEYS_CONFIG],
      useFactory: (dataSource: DataSource, config: KeysConfig) =>
        new IamProjection({ dataSource, schema: config.DB_SCHEMA }),
    },
    { provide: PERMISSION_SOURCE, useExisting: IamProjection },
  ],
  exports: [TOKEN_VERIFIER, PERMISSION_SOURCE, IamProjection],
})
export class AuthModule {}
