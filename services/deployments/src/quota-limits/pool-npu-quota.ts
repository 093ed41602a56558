/**
 * The pool_npus quota (SPEC §7): the NPUs a project may use in one resource pool. The quotas
 * service publishes an account's limits whole (QuotaLimitsChanged): a default per pool and
 * overrides per (project, pool).
 */
export interface PoolNpuLimits {
  defaultPoolNpus: number;
  poolNpus: readonly { projectId: string; poolId: string; npus: number }[];
}

/** The project's NPU quota in the pool. */
export function poolNpuQuota(limits: PoolNpuLimits, projectId: string, poolId: string): number {
  return (
    limits.poolNpus.find((l) => l.projectId === projectId && l.poolId === poolId)?.npus ??
    limits.defaultPoolNpus
  );
}

/** What an operation asks for, and what the project's other services in the pool hold. */
export interface NpuClaim {
  /** NPUs the service needs after the operation (instances × NPUs per instance). */
  requested: number;
  /** NPUs the project's other services in the pool hold or wait for. */
  held: number;
  quota: number;
}

/** True when the claim fits the quota. */
export function withinQuota({ requested, held, quota }: NpuClaim): boolean {
  return held + requested <= quota;
}
