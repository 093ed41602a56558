import { type RpmTpm } from '@maas/limiter';

/** Whom a rate-limit policy limits (the `subject` oneof of the quotas messages). */
export type PolicySubject =
  | { case: 'keyId'; value: string }
  | { case: 'serviceId'; value: string }
  | { case: undefined; value?: undefined };

/** The fields of a RateLimitPolicySet the projection reads (the generated type fits). */
export interface PolicySetChange {
  policyId: string;
  subject: PolicySubject;
  model: string;
  rpm: number;
  tpm: number;
  qps: number;
  version: bigint;
}

/** The fields of a RateLimitPolicyRemoved the projection reads (the generated type fits). */
export interface PolicyRemovedChange {
  policyId: string;
  subject: PolicySubject;
  model: string;
  version: bigint;
}

/** The fields of FreeQuotaExhausted / FreeQuotaRestored the projection reads. */
export interface FreeQuotaChange {
  projectId: string;
  model: string;
}

interface Slot {
  /** The policy in force; undefined once removed (the version stays, to order replays). */
  policy?: { id: string; rpm: number; tpm: number; qps: number };
  version: bigint;
}

/**
 * The quotas service numbers policy versions per subject and model (a removed policy's slot
 * keeps counting, and a re-created policy gets a new id): so versions are compared per slot,
 * not per policy id, and messages of two policy ids of one slot order correctly even from
 * different partitions.
 */
const slotOf = (subject: PolicySubject, model: string): string | undefined => {
  if (subject.case === 'keyId') return `k\u0000${subject.value}\u0000${model}`;
  if (subject.case === 'serviceId') return `s\u0000${subject.value}`;
  return undefined;
};

const freeQuotaKey = (projectId: string, model: string) => `${projectId}:${model}`;

/** 0 means "no limit" on the topic; the limiter takes absent or 0 alike. */
const rpmTpm = (p: { rpm: number; tpm: number }): RpmTpm | undefined =>
  p.rpm > 0 || p.tpm > 0 ? { rpm: p.rpm, tpm: p.tpm } : undefined;

/**
 * The limits the gateway enforces, in memory, fed from maas.quotas.v1 (SPEC §7): RPM/TPM per
 * API key (all models, and per model), QPS per service, and which projects used up the free
 * tokens of a preset model (ModelArts.81005). Reads are map lookups on the hot path.
 */
export class LimitPolicies {
  private readonly slots = new Map<string, Slot>();
  /** policy id → its slot (tombstones name only the policy id). */
  private readonly slotOfPolicy = new Map<string, string>();
  private readonly exhausted = new Set<string>();

  /** Applies a RateLimitPolicySet; false when older than what is known (ignored). */
  applyPolicySet(change: PolicySetChange): boolean {
    const slot = slotOf(change.subject, change.model);
    if (slot === undefined || !this.newer(slot, change.version)) return false;
    const previous = this.slots.get(slot)?.policy;
    if (previous && previous.id !== change.policyId) this.slotOfPolicy.delete(previous.id);
    this.slots.set(slot, {
      version: change.version,
      policy: { id: change.policyId, rpm: change.rpm, tpm: change.tpm, qps: change.qps },
    });
    this.slotOfPolicy.set(change.policyId, slot);
    return true;
  }

  /** Applies a RateLimitPolicyRemoved; false when older than what is known (ignored). */
  applyPolicyRemoved(change: PolicyRemovedChange): boolean {
    const slot = slotOf(change.subject, change.model);
    if (slot === undefined || !this.newer(slot, change.version)) return false;
    const previous = this.slots.get(slot)?.policy;
    if (previous) this.slotOfPolicy.delete(previous.id);
    this.slots.set(slot, { version: change.version });
    return true;
  }

  /**
   * A tombstone (null value) for a Kafka key: a policy id (after its RateLimitPolicyRemoved)
   * or a free-quota aggregate "<project_id>:<model>". Removes what it names, if still there.
   */
  applyTombstone(key: string): void {
    const slotKey = this.slotOfPolicy.get(key);
    if (slotKey !== undefined) {
      const slot = this.slots.get(slotKey);
      if (slot?.policy?.id === key) this.slots.set(slotKey, { version: slot.version });
      this.slotOfPolicy.delete(key);
      return;
    }
    this.exhausted.delete(key);
  }

  /** FreeQuotaExhausted: further calls of the model in the project get ModelArts.81005. */
  applyFreeQuotaExhausted(change: FreeQuotaChange): void {
    this.exhausted.add(freeQuotaKey(change.projectId, change.model));
  }

  /** FreeQuotaRestored: the quota was raised above what was used; calls work again. */
  applyFreeQuotaRestored(change: FreeQuotaChange): void {
    this.exhausted.delete(freeQuotaKey(change.projectId, change.model));
  }

  /** The key's RPM/TPM for all models (`key`) and for this model (`keyModel`), where set. */
  keyLimits(keyId: string, model: string): { key?: RpmTpm; keyModel?: RpmTpm } {
    const all = this.slots.get(`k\u0000${keyId}\u0000`)?.policy;
    const one = model ? this.slots.get(`k\u0000${keyId}\u0000${model}`)?.policy : undefined;
    const key = all && rpmTpm(all);
    const keyModel = one && rpmTpm(one);
    return { ...(key ? { key } : {}), ...(keyModel ? { keyModel } : {}) };
  }

  /** The service's QPS policy from quotas, if one is set (0 = none → undefined). */
  serviceQps(serviceId: string): number | undefined {
    const qps = this.slots.get(`s\u0000${serviceId}`)?.policy?.qps;
    return qps ? qps : undefined;
  }

  /** True once the project used up the free tokens of `model` (until restored). */
  freeQuotaUsedUp(projectId: string, model: string): boolean {
    return this.exhausted.has(freeQuotaKey(projectId, model));
  }

  /** Policies in force (for metrics and tests). */
  get size(): number {
    let n = 0;
    for (const slot of this.slots.values()) if (slot.policy) n += 1;
    return n;
  }

  private newer(slot: string, version: bigint): boolean {
    const known = this.slots.get(slot)?.version;
    return known === undefined || version > known;
  }
}
