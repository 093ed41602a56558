import { type KubernetesObject, type V1Deployment, type V1Service } from '@kubernetes/client-node';
import { KubeApiError } from '../../kubernetes/kube-errors.js';
import { type KubeClient } from '../../kubernetes/kube-client.js';
import { desiredNamespace, hashOf } from '../desired/desired-objects.js';
import { FINALIZER } from '../../workloads/labels.js';

/**
 * How long a write of ours may stay unseen by the informer before the cache is trusted
 * again (after a re-list the watch may never show that exact resourceVersion).
 */
const EXPECTATION_TTL_MS = 30_000;

/** How many of an object's latest versions the informer delivered are remembered. */
const SEEN_VERSIONS = 8;

interface Expectation {
  readonly hash: string;
  readonly resourceVersion: string;
  readonly atMs: number;
  /** The object as the write returned it. */
  readonly object: KubernetesObject;
}

/**
 * Server-side applies the objects of a service — only when the result would change: an
 * object whose spec-hash annotation (and replica count, and finalizer) already match is
 * left alone, so a resync of 1,000 settled services sends no request.
 *
 * What this term applied is remembered as an expectation (client-go's ControllerExpectations):
 * the resourceVersion the write returned, until the informer shows that very version
 * (`observed`) or the expectation expires. Meanwhile a cache still showing the object as
 * it was before our write — or not at all yet, after a create — causes no second apply (in a
 * burst, a new Deployment's other events used to re-apply it until its add event came in).
 * resourceVersions are compared for
 * equality only: the API makes no promise about their order.
 */
export class WorkloadApplier {
  /** Namespaces applied (or being applied) this term. */
  private readonly namespaces = new Map<string, Promise<void>>();
  private readonly expected = new Map<string, Expectation>();
  /**
   * The last versions of each object the informer delivered: the watch event of a write can
   * come in before the write's own answer (then the expectation would wait for a version
   * already gone by, holding back every apply of that object until it expires).
   */
  private readonly seen = new Map<string, string[]>();

  constructor(
    private readonly kube: KubeClient,
    private readonly now: () => number = Date.now,
  ) {}

  ensureNamespace(namespace: string, projectId: string): Promise<void> {
    let applied = this.namespaces.get(namespace);
    if (!applied) {
      applied = this.kube.apply(desiredNamespace(namespace, projectId)).then(() => undefined);
      // Concurrent passes of one project share the one request; a failure is tried again.
      applied.catch(() => this.namespaces.delete(namespace));
      this.namespaces.set(namespace, applied);
    }
    return applied;
  }

  /**
   * The informer delivered this state of an object of `kind` (Deployment, Service, …; list
   * items carry no kind of their own): an expectation it meets is done.
   */
  observed(kind: string, object: KubernetesObject, deleted = false): void {
    const key = keyOf({ ...object, kind });
    const version = object.metadata?.resourceVersion;
    if (deleted) this.seen.delete(key);
    else if (version)
      this.seen.set(key, [version, ...(this.seen.get(key) ?? [])].slice(0, SEEN_VERSIONS));
    const mine = this.expected.get(key);
    // A deletion ends it too: the object must be created again at once.
    if (mine && (deleted || mine.resourceVersion === version)) this.expected.delete(key);
  }

  /**
   * A write of ours made outside this applier supersedes what it wrote before (the stop's
   * scale to zero): the cache showing that write must not pass for a lag behind the older one.
   */
  forget(kind: string, object: KubernetesObject): void {
    this.expected.delete(keyOf({ ...object, kind }));
  }

  /**
   * A write of ours made outside `ensure` (a conditional update of annotations): remembered
   * like an apply, so `latest` shows it until the informer delivers that version.
   */
  wrote<T extends KubernetesObject>(kind: string, object: T): void {
    const written = { ...object, kind };
    this.expected.set(keyOf(written), {
      hash: hashOf(written) ?? '',
      resourceVersion: object.metadata?.resourceVersion ?? '',
      atMs: this.now(),
      object: written,
    });
  }

  /**
   * The object as this term last wrote it while the cache (`current`, of `kind`) does not
   * show that write yet; else `current`. Informers of different kinds are not ordered with
   * each other: a pass can see the pods a write led to before the write itself.
   */
  latest<T extends KubernetesObject>(kind: string, current: T): T {
    const key = keyOf({ ...current, kind });
    const mine = this.expected.get(key);
    if (!mine || mine.resourceVersion === current.metadata?.resourceVersion) return current;
    if (this.delivered(key, mine) || this.now() - mine.atMs > EXPECTATION_TTL_MS) return current;
    return mine.object as T;
  }

  deployment(desired: V1Deployment, current: V1Deployment | undefined): Promise<V1Deployment> {
    return this.ensure(
      desired,
      current,
      (c) =>
        (c.metadata?.finalizers ?? []).includes(FINALIZER) &&
        c.spec?.replicas === desired.spec?.replicas,
    );
  }

  service(desired: V1Service, current: V1Service | undefined): Promise<V1Service> {
    return this.ensure(desired, current);
  }

  /**
   * Applies `desired` unless `current` (from the cache) already has its spec hash and
   * `matches` (fields outside the hash: replicas, finalizer), is being deleted (the caller
   * handles that), or still shows the state before a write of ours. Returns the object as
   * applied, or `current` when nothing was sent. For any kind of workload object (a
   * StatefulSet applier is `ensure(desired, current, sameReplicasAndFinalizer)`).
   */
  async ensure<T extends KubernetesObject>(
    desired: T,
    current: T | undefined,
    matches: (current: T) => boolean = () => true,
  ): Promise<T> {
    if (!current) {
      const created = this.notSeenYet(desired, matches);
      if (created) return created;
    } else {
      if (current.metadata?.deletionTimestamp) return current; // the caller handles that
      const pending = this.pendingWrite(desired, current, matches);
      if (pending === 'as-desired') return current;
      // The cache shows the state before a write of ours that is outdated itself: the real
      // object is neither, so what the cache shows cannot say "nothing to do".
      if (pending === 'outdated') return this.apply(desired);
    }
    const same = current && hashOf(current) === hashOf(desired) && matches(current);
    return same ? current : this.apply(desired);
  }

  /**
   * A write of ours the cache does not show yet: 'as-desired' when it wrote what is desired
   * now (leave it), 'outdated' when not — by its hash or by the fields outside it (replicas:
   * a start right after a stop); 'none' when there is none (or the cache caught up).
   */
  private pendingWrite<T extends KubernetesObject>(
    desired: T,
    current: T,
    matches: (written: T) => boolean,
  ): 'none' | 'as-desired' | 'outdated' {
    const key = keyOf(desired);
    const mine = this.expected.get(key);
    if (!mine) return 'none';
    if (
      mine.resourceVersion === current.metadata?.resourceVersion ||
      this.delivered(key, mine) ||
      this.now() - mine.atMs > EXPECTATION_TTL_MS
    ) {
      this.expected.delete(key); // the cache has caught up (or is trusted again)
      return 'none';
    }
    return mine.hash === hashOf(desired) && matches(mine.object as T) ? 'as-desired' : 'outdated';
  }

  /** What this term wrote of `desired` when the cache does not show it yet (a create). */
  private notSeenYet<T extends KubernetesObject>(
    desired: T,
    matches: (written: T) => boolean,
  ): T | undefined {
    const key = keyOf(desired);
    const mine = this.expected.get(key);
    if (!mine) return undefined;
    const written = mine.object as T;
    if (
      this.now() - mine.atMs > EXPECTATION_TTL_MS ||
      this.delivered(key, mine) ||
      mine.hash !== hashOf(desired) ||
      !matches(written)
    ) {
      this.expected.delete(key);
      return undefined;
    }
    return written;
  }

  /** The informer has delivered the version `mine` wrote (maybe before the write returned). */
  private delivered(key: string, mine: Expectation): boolean {
    return (this.seen.get(key) ?? []).includes(mine.resourceVersion);
  }

  private async apply<T extends KubernetesObject>(desired: T): Promise<T> {
    try {
      const result = await this.kube.apply(desired);
      this.expected.set(keyOf(desired), {
        hash: hashOf(desired) ?? '',
        resourceVersion: result.metadata?.resourceVersion ?? '',
        atMs: this.now(),
        object: result,
      });
      return result;
    } catch (error) {
      this.forgetNamespaceOn(desired, error);
      throw error;
    }
  }

  /**
   * A namespace deleted (or being deleted) under us: the error is retryable, and the
   * namespace is applied again by the next pass.
   */
  private forgetNamespaceOn(desired: KubernetesObject, error: unknown): void {
    if (error instanceof KubeApiError && (error.namespaceMissing || error.namespaceTerminating))
      this.namespaces.delete(desired.metadata?.namespace ?? '');
  }
}

function keyOf(object: KubernetesObject): string {
  return `${object.kind}/${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}
