import { Global, Module } from '@nestjs/common';
import { ApiKeyHasher } from '@maas/api-keys';
import { ApiKeysRepository } from './api-keys/api-keys.repository.js';
import { ProjectsRepository } from './api-keys/projects.repository.js';
import { KEYS_CONFIG, type KeysConfig } from './config.js';
import { QuotaLimitsRepository } from './quota-limits/quota-limits.repository.js';

const REPOSITORIES = [ApiKeysRepository, ProjectsRepository, QuotaLimitsRepository];

/** The repositories (each owns its tables' queries) and the secret hasher, for every feature. */
@Global()
@Module({
  providers: [
    ...REPOSITORIES,
    {
      provide: ApiKeyHasher,
      inject: [KEYS_CONFIG],
      useFactory: (config: KeysConfig) => new ApiKeyHasher(config.API_KEY_PEPPER),
    },
  ],
  exports: [...REPOSITORIES, ApiKeyHasher],
})
export class CoreModule {}
