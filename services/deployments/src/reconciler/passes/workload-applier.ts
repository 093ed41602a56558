import { type KubernetesObject, type V1Deployment, type V1Service } from '@kubernetes/client-node';
import { KubeApiError } from '../../kubernetes/kube-errors.js';
import { type KubeClient } from '../../kubernetes/kube-client.js';
import { desiredNamespace, hashOf } from '../desired/desired-objects.js';
import { FINALIZER } from '../../workloads/labels.js';

/**
 * Server-side applies the objects of a service — only when the result would change: an
 * object whose spec-hash annotation (and replica count, and finalizer) already match is
 * left alone, so a resync of 1,000 settled services sends no request. What this process
 * applied is remembered with the resourceVersion it got back, so a cache that has not
 * caught up with our own write yet does not cause a second apply.
 */
export class WorkloadApplier {
  /** Namespaces applied (or being applied) this term. */
  private readonly namespaces = new Map<string, Promise<void>>();
  private readonly applied = new Map<string, { hash: string; resourceVersion: string }>();

  constructor(private readonly kube: KubeClient) {}

  /** Forgets what was applied (a new leadership term trusts only the cluster). */
  reset(): void {
    this.namespaces.clear();
    this.applied.clear();
  }

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

  async deployment(
    desired: V1Deployment,
    current: V1Deployment | undefined,
  ): Promise<V1Deployment> {
    if (current && this.leaveAlone(desired, current)) return current;
    const same =
      current &&
      hashOf(current) === hashOf(desired) &&
      (current.metadata?.finalizers ?? []).includes(FINALIZER) &&
      current.spec?.replicas === desired.spec?.replicas;
    return same ? current : this.apply(desired);
  }

  async service(desired: V1Service, current: V1Service | undefined): Promise<V1Service> {
    if (current && this.leaveAlone(desired, current)) return current;
    return current && hashOf(current) === hashOf(desired) ? current : this.apply(desired);
  }

  /**
   * Being deleted (the caller handles that), or the cache has not caught up with what we
   * applied for this very hash yet.
   */
  private leaveAlone(desired: KubernetesObject, current: KubernetesObject): boolean {
    if (current.metadata?.deletionTimestamp) return true;
    const mine = this.applied.get(keyOf(desired));
    if (!mine || mine.hash !== hashOf(desired)) return false;
    return olderThan(current.metadata?.resourceVersion, mine.resourceVersion);
  }

  private async apply<T extends KubernetesObject>(desired: T): Promise<T> {
    try {
      const result = await this.kube.apply(desired);
      this.applied.set(keyOf(desired), {
        hash: hashOf(desired) ?? '',
        resourceVersion: result.metadata?.resourceVersion ?? '',
      });
      return result;
    } catch (error) {
      throw this.namespaceProblem(desired, error) ?? error;
    }
  }

  /** A namespace deleted (or being deleted) under us: apply it again on a later pass. */
  private namespaceProblem(desired: KubernetesObject, error: unknown): KubeApiError | null {
    if (!(error instanceof KubeApiError)) return null;
    const namespace = desired.metadata?.namespace ?? '';
    const missing = error.notFound && error.message.includes('namespace');
    const terminating = error.status === 403 && error.message.includes('being terminated');
    if (!missing && !terminating) return null;
    this.namespaces.delete(namespace);
    return new KubeApiError(error.operation, 503, 'NamespaceNotReady', error.message, {
      cause: error,
    });
  }
}

function keyOf(object: KubernetesObject): string {
  return `${object.kind}/${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}

/** resourceVersions are etcd revisions: a smaller one is an older state of the object. */
function olderThan(current: string | undefined, written: string): boolean {
  const a = Number(current);
  const b = Number(written);
  return Number.isSafeInteger(a) && Number.isSafeInteger(b) && a < b;
}
