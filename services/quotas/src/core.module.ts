import { Global, Module } from '@nestjs/common';
import { FreeQuotaRepository } from './free-quota/free-quota.repository.js';
import { FreeQuotaTracker } from './free-quota/free-quota.tracker.js';
import { QuotaOverridesRepository } from './effective-limits/quota-overrides.repository.js';
import { KnownKeysRepository } from './policies/known-keys.repository.js';
import { PoliciesRepository } from './policies/policies.repository.js';
import { PolicyRemover } from './policies/policy-remover.js';
import { ApplyKeyEvent } from './policies/usecases/apply-key-event.js';
import { ApplyServiceChanged } from './policies/usecases/apply-service-changed.js';
import { UsageRepository } from './usage/usage.repository.js';

const REPOSITORIES = [
  QuotaOverridesRepository,
  FreeQuotaRepository,
  PoliciesRepository,
  KnownKeysRepository,
  UsageRepository,
];
/** What the API and the consumers share (they depend on repositories only: no module cycles). */
const SHARED = [FreeQuotaTracker, PolicyRemover, ApplyKeyEvent, ApplyServiceChanged];

@Global()
@Module({ providers: [...REPOSITORIES, ...SHARED], exports: [...REPOSITORIES, ...SHARED] })
export class CoreModule {}
