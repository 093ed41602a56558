import { type EntityManager } from 'typeorm';

/** NPUs a service will hold after a change, in its pool. */
export interface NpuClaim {
  accountId: string;
  projectId: string;
  poolId: string;
  serviceId: string;
  /** instances × NPUs per instance after the change. */
  npus: number;
}

/**
 * The pool_npus quota's say on a change that makes a service hold more NPUs (a deploy, a
 * start, a scale-out; SPEC §7), declared by the store and implemented by the feature that owns
 * the quota (quota-limits). Called inside the change's transaction, before the row is
 * written: the implementation serializes the claims of one (project, pool) with a
 * transaction-scoped lock, so two concurrent requests cannot both take the last NPUs, and
 * throws its refusal to roll the change back. Provided globally: model-services never
 * imports it.
 */
export abstract class NpuClaims {
  abstract claim(manager: EntityManager, claim: NpuClaim): Promise<void>;

  /**
   * Runs `change` — a transaction that will `claim` in the (project, pool) — when this
   * process's earlier ones there have settled, so that waiting for the lock holds no pooled
   * connection (the implementation says why).
   */
  abstract inTurn<T>(
    where: Pick<NpuClaim, 'projectId' | 'poolId'>,
    change: () => Promise<T>,
  ): Promise<T>;
}
