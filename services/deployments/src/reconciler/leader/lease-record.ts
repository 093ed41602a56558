/** The leader-election fields of a coordination.k8s.io/v1 Lease. */
export interface LeaseRecord {
  /** Empty when released. */
  readonly holderIdentity: string;
  readonly leaseDurationSeconds: number;
  readonly acquireTime: string;
  readonly renewTime: string;
  readonly leaseTransitions: number;
}

/** A Lease as read: its record and the resourceVersion that makes an update conditional. */
export interface ObservedLease {
  readonly record: LeaseRecord;
  readonly resourceVersion: string;
}

/** Where the Lease lives (the Kubernetes API; a fake in unit tests). */
export interface LeaseStore {
  /** The Lease, or null when it does not exist. */
  get(): Promise<ObservedLease | null>;
  /** Creates it (resolves with its resourceVersion); rejects (409) when another replica created it first. */
  create(record: LeaseRecord): Promise<string>;
  /** Replaces it if still at `resourceVersion` (resolves with the new one); rejects (409) otherwise. */
  update(resourceVersion: string, record: LeaseRecord): Promise<string>;
}

/** A Kubernetes MicroTime: RFC 3339 with exactly six fractional digits. */
export function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/**
 * What a replica may do with the Lease it read, as client-go's leader election decides:
 *
 * - `create`: there is none;
 * - `renew`: it holds it;
 * - `acquire`: released (no holder) or expired — its holder has not renewed it within its
 *   duration, measured on OUR clock from when we first saw the current record (never from
 *   the renewTime written by another host, so clock skew between hosts cannot steal it);
 * - `wait`: another replica holds it.
 */
export function leaseDecision(
  lease: ObservedLease | null,
  identity: string,
  observedAtMs: number,
  nowMs: number,
): 'create' | 'renew' | 'acquire' | 'wait' {
  if (!lease) return 'create';
  const { holderIdentity, leaseDurationSeconds } = lease.record;
  if (holderIdentity === identity) return 'renew';
  if (!holderIdentity) return 'acquire';
  return observedAtMs + leaseDurationSeconds * 1000 <= nowMs ? 'acquire' : 'wait';
}

/** The record to write for a decision to take or keep the Lease. */
export function nextRecord(
  lease: ObservedLease | null,
  identity: string,
  leaseDurationSeconds: number,
  now: Date,
): LeaseRecord {
  const held = lease?.record.holderIdentity === identity;
  return {
    holderIdentity: identity,
    leaseDurationSeconds,
    acquireTime: held && lease ? lease.record.acquireTime : microTime(now),
    renewTime: microTime(now),
    leaseTransitions: lease ? lease.record.leaseTransitions + (held ? 0 : 1) : 0,
  };
}
