import {
  AppsV1Api,
  CoreV1Api,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  type V1Deployment,
  type V1Node,
  type V1Pod,
  type V1Service,
  type V1ObjectMeta,
  type V1StatefulSet,
} from '@kubernetes/client-node';
import { KubeApiError, toKubeApiError } from './kube-errors.js';
import { type TokenBucket } from './token-bucket.js';

/** The field manager of every server-side apply the service makes. */
export const FIELD_MANAGER = 'maas-deployments';

/** An object's identity, enough to address it. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
}

export interface ListOptions {
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /**
   * '0': serve the list from the API server's watch cache (no etcd read; what client-go's
   * reflectors do for their initial list). Paging does not apply then.
   */
  readonly resourceVersion?: '0';
}

export interface PodLogRequest {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  readonly sinceSeconds?: number;
  readonly limitBytes: number;
}

/** Lists are read in pages of this many objects (a continue token links them). */
const PAGE_SIZE = 500;

/**
 * The Kubernetes API as the reconciler uses it: server-side apply under our field manager,
 * deletes, finalizer removal, paged lists for the informers, pod logs. Every call waits
 * for a token of the client-side rate limit (KUBE_QPS/KUBE_BURST) and fails with a
 * classified KubeApiError (retryable or terminal). Timeouts and request counting are the
 * InstrumentedKubeConfig's.
 */
export class KubeClient {
  private readonly objects: KubernetesObjectApi;
  private readonly core: CoreV1Api;
  private readonly apps: AppsV1Api;

  constructor(
    kubeConfig: KubeConfig,
    private readonly limiter: TokenBucket,
  ) {
    this.objects = KubernetesObjectApi.makeApiClient(kubeConfig);
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.apps = kubeConfig.makeApiClient(AppsV1Api);
  }

  /** Server-side apply with `force`: we own every field we send, and get the object back. */
  apply<T extends KubernetesObject>(object: T): Promise<T> {
    return this.call(`apply ${describe(object)}`, () =>
      this.objects.patch(
        object,
        undefined,
        undefined,
        FIELD_MANAGER,
        true,
        PatchStrategy.ServerSideApply,
      ),
    );
  }

  /** Deletes an object; false when it was already gone. */
  async delete(ref: ObjectRef, propagationPolicy?: 'Foreground' | 'Background'): Promise<boolean> {
    try {
      await this.call(`delete ${describe(ref)}`, () =>
        this.objects.delete(
          ref as KubernetesObject,
          undefined,
          undefined,
          undefined,
          undefined,
          propagationPolicy,
        ),
      );
      return true;
    } catch (error) {
      if (toKubeApiError('delete', error).notFound) return false;
      throw error;
    }
  }

  read<T extends KubernetesObject>(ref: ObjectRef): Promise<T> {
    return this.call(`read ${describe(ref)}`, () => this.objects.read<T>(ref as T & ObjectRef));
  }

  create<T extends KubernetesObject>(object: T): Promise<T> {
    return this.call(`create ${describe(object)}`, () => this.objects.create(object));
  }

  /** Replaces an object; its metadata.resourceVersion makes it conditional (409 when stale). */
  replace<T extends KubernetesObject>(object: T): Promise<T> {
    return this.call(`replace ${describe(object)}`, () => this.objects.replace(object));
  }

  /**
   * Removes one finalizer from a Deployment with a JSON patch that first tests it is still
   * at the index we saw (a concurrent change makes the patch fail instead of removing the
   * wrong one). False when the Deployment is already gone.
   */
  async removeDeploymentFinalizer(
    namespace: string,
    name: string,
    finalizers: readonly string[],
    finalizer: string,
  ): Promise<boolean> {
    const index = finalizers.indexOf(finalizer);
    if (index < 0) return true;
    const path = `/metadata/finalizers/${index}`;
    try {
      await this.call(`remove finalizer ${finalizer} from Deployment ${namespace}/${name}`, () =>
        this.apps.patchNamespacedDeployment({
          name,
          namespace,
          body: [
            { op: 'test', path, value: finalizer },
            { op: 'remove', path },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (toKubeApiError('patch', error).notFound) return false;
      throw error;
    }
  }

  /**
   * Sets (null: removes) annotations of a StatefulSet with a JSON patch — not a conditional
   * update of the whole object, which the StatefulSet controller's status writes would turn
   * into 409s just as a group becomes ready. Each `guarded` key is first tested to still hold
   * the value `set` shows (or, when it is absent there, the resourceVersion is), so a stale
   * view fails the patch — as a retryable conflict — instead of overwriting a newer record.
   * A failed resourceVersion test is tried again on a fresh read while the guarded keys still
   * read as in `set` (client-go's RetryOnConflict): the controller's status writes move the
   * resourceVersion of a group becoming ready, and a first formation record lost to one would
   * let a member replaced meanwhile pass for one the group formed with.
   */
  async patchStatefulSetAnnotations(
    set: V1StatefulSet,
    changes: Readonly<Record<string, string | null>>,
    guarded: readonly string[] = [],
  ): Promise<V1StatefulSet> {
    let view = set;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.patchAnnotationsOnce(view, changes, guarded);
      } catch (error) {
        const byVersion = guarded.some((key) => view.metadata?.annotations?.[key] === undefined);
        if (!(error instanceof KubeApiError) || !error.conflict || !byVersion || attempt >= 3)
          throw error;
        const fresh = await this.read<V1StatefulSet>(refOfStatefulSet(view));
        const same = guarded.every(
          (key) => fresh.metadata?.annotations?.[key] === set.metadata?.annotations?.[key],
        );
        if (!same) throw error;
        view = fresh;
      }
    }
  }

  private patchAnnotationsOnce(
    set: V1StatefulSet,
    changes: Readonly<Record<string, string | null>>,
    guarded: readonly string[],
  ): Promise<V1StatefulSet> {
    const name = set.metadata?.name ?? '';
    const namespace = set.metadata?.namespace ?? '';
    const ops = annotationPatch(set.metadata, changes, guarded);
    const operation = `annotate StatefulSet ${namespace}/${name}`;
    const tested = ops.some((o) => o.op === 'test');
    return this.call(operation, () =>
      this.apps.patchNamespacedStatefulSet({ name, namespace, body: ops }),
    ).catch((error: unknown) => {
      // A failed `test` is a 422 from the API server; here it means a stale view: a conflict.
      if (tested && error instanceof KubeApiError && error.status === 422)
        throw new KubeApiError(operation, 409, 'Conflict', 'the annotations changed since read', {
          cause: error,
        });
      throw error;
    });
  }

  /** Sets a Deployment's replicas through its scale subresource (stop: 0). */
  scaleDeployment(namespace: string, name: string, replicas: number): Promise<unknown> {
    return this.call(`scale Deployment ${namespace}/${name} to ${replicas}`, () =>
      this.apps.patchNamespacedDeploymentScale({
        name,
        namespace,
        fieldManager: FIELD_MANAGER,
        body: [{ op: 'replace', path: '/spec/replicas', value: replicas }],
      }),
    );
  }

  /** Deletes the pods of a selector in one namespace (one DELETE collection request). */
  deletePods(namespace: string, options: ListOptions): Promise<unknown> {
    return this.call(`delete pods in ${namespace}`, () =>
      this.core.deleteCollectionNamespacedPod({ namespace, ...options }),
    );
  }

  listPods(options: ListOptions = {}): Promise<KubernetesListObject<V1Pod>> {
    return this.paged('list pods', options, (page) => this.core.listPodForAllNamespaces(page));
  }

  listDeployments(options: ListOptions = {}): Promise<KubernetesListObject<V1Deployment>> {
    return this.paged('list deployments', options, (page) =>
      this.apps.listDeploymentForAllNamespaces(page),
    );
  }

  listStatefulSets(options: ListOptions = {}): Promise<KubernetesListObject<V1StatefulSet>> {
    return this.paged('list statefulsets', options, (page) =>
      this.apps.listStatefulSetForAllNamespaces(page),
    );
  }

  listServices(options: ListOptions = {}): Promise<KubernetesListObject<V1Service>> {
    return this.paged('list services', options, (page) =>
      this.core.listServiceForAllNamespaces(page),
    );
  }

  listNodes(options: ListOptions = {}): Promise<KubernetesListObject<V1Node>> {
    return this.paged('list nodes', options, (page) => this.core.listNode(page));
  }

  listNamespacedPods(namespace: string, options: ListOptions): Promise<V1Pod[]> {
    return this.call(`list pods in ${namespace}`, async () => {
      const list = await this.core.listNamespacedPod({ namespace, ...options });
      return list.items;
    });
  }

  /** A container's log with RFC 3339 timestamps, as the API server returns it. */
  podLog(request: PodLogRequest): Promise<string> {
    return this.call(`read log of ${request.namespace}/${request.pod}`, () =>
      this.core.readNamespacedPodLog({
        name: request.pod,
        namespace: request.namespace,
        container: request.container,
        timestamps: true,
        limitBytes: request.limitBytes,
        ...(request.sinceSeconds === undefined ? {} : { sinceSeconds: request.sinceSeconds }),
      }),
    );
  }

  /** Reads every page of a list (each page is one rate-limited request). */
  private async paged<T extends KubernetesObject>(
    operation: string,
    options: ListOptions,
    fetch: (
      page: ListOptions & { limit: number; _continue?: string },
    ) => Promise<KubernetesListObject<T>>,
  ): Promise<KubernetesListObject<T>> {
    const first = await this.call(operation, () => fetch({ ...options, limit: PAGE_SIZE }));
    const items = [...first.items];
    let next = first.metadata?._continue;
    // Later pages name no resourceVersion: the continue token carries the snapshot.
    const rest = { ...options, resourceVersion: undefined };
    while (next) {
      const token = next;
      const page = await this.call(operation, () =>
        fetch({ ...rest, limit: PAGE_SIZE, _continue: token }),
      );
      items.push(...page.items);
      next = page.metadata?._continue;
    }
    // Every page is of the first page's snapshot (its resourceVersion).
    return { ...first, metadata: { ...first.metadata, _continue: undefined }, items };
  }

  private async call<T>(operation: string, request: () => Promise<T>): Promise<T> {
    await this.limiter.take();
    try {
      return await request();
    } catch (error) {
      throw toKubeApiError(operation, error);
    }
  }
}

/** The JSON patch of `changes` to `annotations`, testing the `guarded` keys first. */
function annotationPatch(
  metadata: V1ObjectMeta | undefined,
  changes: Readonly<Record<string, string | null>>,
  guarded: readonly string[],
): { op: string; path: string; value?: unknown }[] {
  const annotations = metadata?.annotations;
  const current = annotations ?? {};
  const path = (key: string) =>
    `/metadata/annotations/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
  const ops: { op: string; path: string; value?: unknown }[] = [];
  if (!annotations) ops.push({ op: 'add', path: '/metadata/annotations', value: {} });
  // A key that is absent cannot be tested (a test of a missing path fails): then the whole
  // view's resourceVersion is.
  const absent = guarded.some((key) => current[key] === undefined);
  if (absent && metadata?.resourceVersion)
    ops.push({ op: 'test', path: '/metadata/resourceVersion', value: metadata.resourceVersion });
  for (const key of guarded)
    if (current[key] !== undefined) ops.push({ op: 'test', path: path(key), value: current[key] });
  for (const [key, value] of Object.entries(changes))
    if (value !== null) ops.push({ op: 'add', path: path(key), value });
    else if (current[key] !== undefined) ops.push({ op: 'remove', path: path(key) });
  return ops;
}

function refOfStatefulSet(set: V1StatefulSet): ObjectRef {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: set.metadata?.name ?? '', namespace: set.metadata?.namespace ?? '' },
  };
}

function describe(object: { kind?: string; metadata?: { name?: string; namespace?: string } }) {
  const ns = object.metadata?.namespace;
  return `${object.kind ?? 'object'} ${ns ? `${ns}/` : ''}${object.metadata?.name ?? ''}`;
}
