import { type DefaultQuotas } from '../config.js';

/** The quotas the platform operator can override (SPEC §7). */
export const RESOURCE_TYPES = ['api_keys', 'agencies', 'pool_npus', 'free_tokens'] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

/** Account-wide resources; the others are per project. */
export const ACCOUNT_RESOURCES: ReadonlySet<ResourceType> = new Set(['api_keys', 'agencies']);

/** One override row: project '' for account-wide quotas; subject = pool id or model. */
export interface QuotaOverride {
  projectId: string;
  resource: ResourceType;
  subject: string;
  value: number;
}

/** An account's quotas in force: the defaults with its overrides applied. */
export interface EffectiveLimits {
  maxApiKeys: number;
  maxAgencies: number;
  defaultPoolNpus: number;
  defaultFreeTokens: number;
  poolNpus: { projectId: string; poolId: string; npus: number }[];
  freeTokens: { projectId: string; model: string; tokens: number }[];
}

export function effectiveLimits(
  defaults: DefaultQuotas,
  overrides: readonly QuotaOverride[],
): EffectiveLimits {
  const accountWide = (resource: ResourceType, fallback: number) =>
    overrides.find((o) => o.resource === resource && o.projectId === '')?.value ?? fallback;
  const sorted = [...overrides].sort(
    (a, b) => a.projectId.localeCompare(b.projectId) || a.subject.localeCompare(b.subject),
  );
  return {
    maxApiKeys: accountWide('api_keys', defaults.DEFAULT_MAX_API_KEYS),
    maxAgencies: accountWide('agencies', defaults.DEFAULT_MAX_AGENCIES),
    defaultPoolNpus: defaults.DEFAULT_POOL_NPUS,
    defaultFreeTokens: defaults.DEFAULT_FREE_TOKENS,
    poolNpus: sorted
      .filter((o) => o.resource === 'pool_npus')
      .map((o) => ({ projectId: o.projectId, poolId: o.subject, npus: o.value })),
    freeTokens: sorted
      .filter((o) => o.resource === 'free_tokens')
      .map((o) => ({ projectId: o.projectId, model: o.subject, tokens: o.value })),
  };
}

/** Free tokens of a preset model in a project. */
export function freeTokenQuota(limits: EffectiveLimits, projectId: string, model: string): number {
  return (
    limits.freeTokens.find((f) => f.projectId === projectId && f.model === model)?.tokens ??
    limits.defaultFreeTokens
  );
}
