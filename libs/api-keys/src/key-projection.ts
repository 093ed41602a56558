import { timestampDate } from '@bufbuild/protobuf/wkt';
import { type ApiKeyChanged, type ApiKeyDeleted, ApiKeyStatus } from '@maas/events';
import { type ApiKeyHasher } from './secret.js';
import { type KeyScope, type ScopeRefusal, ScopeMatcher } from './scope.js';

/** A key as a verifier holds it: everything a call needs checking, no secret. */
export interface ProjectedKey {
  keyId: string;
  accountId: string;
  projectId: string;
  region: string;
  tag: string;
  secretHash: string;
  previousSecretHash?: string;
  /** The previous secret works while now < previousValidUntil. */
  previousValidUntil?: Date;
  scope: KeyScope;
  /**
   * The platform operator froze the key (ApiKeyStatus.FROZEN): it is kept, so that a call
   * with it is told 81006 "The resource is frozen." rather than 81003 (seed 002 Table 4-19).
   */
  frozen: boolean;
  version: bigint;
}

/** Where and for what a secret is presented. */
export interface VerifyContext {
  /** The region this verifier serves: a key works only in its own region. */
  region: string;
  /** The project the call names (V1 path), if any: it must be the key's. */
  projectId?: string;
  serviceId?: string;
  model?: string;
  clientIp?: string;
  /** Defaults to the projection's clock. */
  now?: Date;
}

export type VerifyRefusal =
  /** No such secret (never existed, deleted, or a rotated-out secret past its grace). */
  | 'unknown_key'
  /** A valid secret of a key the operator froze: ModelArts.81006 (seed 002 Table 4-19). */
  | 'frozen'
  | 'wrong_region'
  | 'wrong_project'
  | ScopeRefusal;

export type VerifyResult =
  | { ok: true; key: ProjectedKey; secret: 'current' | 'previous' }
  | { ok: false; reason: VerifyRefusal; keyId?: string };

interface Entry {
  key: ProjectedKey;
  matcher: ScopeMatcher;
}

/**
 * The state of every API key, kept from maas.keys.v1 (ApiKeyChanged upserts, ApiKeyDeleted
 * and tombstones remove), looked up by the keyed hash of a presented secret. A frozen key
 * (status FROZEN) stays, and verifies to the refusal 'frozen'. Memory only:
 * a gateway replica rebuilds it from the compacted topic at start (KeyProjectionConsumer).
 * An older message of a key (lower version) never overwrites a newer one, and a deleted key
 * never comes back.
 */
export class KeyProjection {
  private readonly byId = new Map<string, Entry>();
  private readonly byHash = new Map<string, string>();
  /** Versions at which keys were deleted: a replayed older ApiKeyChanged is ignored. */
  private readonly deleted = new Map<string, bigint>();
  private readonly now: () => Date;

  constructor(
    private readonly hasher: ApiKeyHasher,
    options: { now?: () => Date } = {},
  ) {
    this.now = options.now ?? (() => new Date());
  }

  get size(): number {
    return this.byId.size;
  }

  get(keyId: string): ProjectedKey | undefined {
    return this.byId.get(keyId)?.key;
  }

  applyChanged(event: ApiKeyChanged): void {
    const current = this.byId.get(event.keyId);
    if (current && current.key.version > event.version) return;
    const deletedAt = this.deleted.get(event.keyId);
    if (deletedAt !== undefined && deletedAt >= event.version) return;
    if (event.status !== ApiKeyStatus.ACTIVE && event.status !== ApiKeyStatus.FROZEN) {
      this.remove(event.keyId);
      return;
    }
    this.remove(event.keyId);
    const key = projectedKey(event);
    this.byId.set(key.keyId, { key, matcher: new ScopeMatcher(key.scope) });
    this.byHash.set(key.secretHash, key.keyId);
    if (key.previousSecretHash) this.byHash.set(key.previousSecretHash, key.keyId);
  }

  applyDeleted(event: ApiKeyDeleted): void {
    const known = this.deleted.get(event.keyId);
    if (known === undefined || known < event.version) this.deleted.set(event.keyId, event.version);
    this.remove(event.keyId);
  }

  /** A tombstone: the key is gone for good. */
  applyTombstone(keyId: string): void {
    this.remove(keyId);
  }

  /** Checks a presented secret for a call; never throws, never logs the secret. */
  verify(secret: string, context: VerifyContext): VerifyResult {
    const hash = this.hasher.hash(secret);
    const keyId = this.byHash.get(hash);
    const entry = keyId === undefined ? undefined : this.byId.get(keyId);
    if (!entry) return { ok: false, reason: 'unknown_key' };
    const { key } = entry;
    let which: 'current' | 'previous' = 'current';
    if (hash !== key.secretHash) {
      const now = context.now ?? this.now();
      if (!key.previousValidUntil || now >= key.previousValidUntil) {
        return { ok: false, reason: 'unknown_key', keyId: key.keyId };
      }
      which = 'previous';
    }
    // Before the region, project and scope: whatever the call, the key is frozen.
    if (key.frozen) return { ok: false, reason: 'frozen', keyId: key.keyId };
    if (key.region !== context.region)
      return { ok: false, reason: 'wrong_region', keyId: key.keyId };
    if (context.projectId !== undefined && context.projectId !== key.projectId) {
      return { ok: false, reason: 'wrong_project', keyId: key.keyId };
    }
    const refusal = entry.matcher.refusal(context);
    if (refusal) return { ok: false, reason: refusal, keyId: key.keyId };
    return { ok: true, key, secret: which };
  }

  /** The matcher of a key (e.g. to filter /v1/models by the key's scope). */
  scopeOf(keyId: string): ScopeMatcher | undefined {
    return this.byId.get(keyId)?.matcher;
  }

  private remove(keyId: string): void {
    const entry = this.byId.get(keyId);
    if (!entry) return;
    this.byId.delete(keyId);
    for (const hash of [entry.key.secretHash, entry.key.previousSecretHash]) {
      if (hash && this.byHash.get(hash) === keyId) this.byHash.delete(hash);
    }
  }
}

/** The verifier's view of an ApiKeyChanged. */
function projectedKey(event: ApiKeyChanged): ProjectedKey {
  const grace = event.previousSecretHash !== '' && event.previousValidUntil !== undefined;
  return {
    keyId: event.keyId,
    accountId: event.accountId,
    projectId: event.projectId,
    region: event.region,
    tag: event.tag,
    secretHash: event.secretHash,
    scope: {
      allServices: event.scope?.allServices ?? true,
      serviceIds: event.scope?.serviceIds ?? [],
      allowedCidrs: event.scope?.allowedCidrs ?? [],
      allowedModels: event.scope?.allowedModels ?? [],
    },
    frozen: event.status === ApiKeyStatus.FROZEN,
    version: event.version,
    ...(grace
      ? {
          previousSecretHash: event.previousSecretHash,
          previousValidUntil: timestampDate(event.previousValidUntil!),
        }
      : {}),
  };
}
