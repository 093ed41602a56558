import {
  type KubeConfig,
  type KubernetesObject,
  type V1Deployment,
  type V1Node,
  type V1Pod,
  type V1Service,
  type V1StatefulSet,
} from '@kubernetes/client-node';
import { type Logger } from '@nestjs/common';
import { type KubeClient } from '../../kubernetes/kube-client.js';
import { installationSelector, LABEL } from '../../workloads/labels.js';
import { type ChangeType, ResourceInformer } from './resource-informer.js';

/** The kinds of a service's objects the cache watches (label maas.io/service-id). */
export type ServiceObjectKind = 'pod' | 'deployment' | 'service' | 'statefulset';

/** What changed in the cluster, as the controllers need to know it. */
export type ClusterEvent =
  | {
      readonly kind: ServiceObjectKind;
      readonly type: ChangeType;
      readonly serviceId: string;
      /** The object as the informer delivered it. */
      readonly object: KubernetesObject;
      /** A pod stopped holding NPUs (terminated or deleted): queued services may fit now. */
      readonly freedCapacity: boolean;
    }
  /** A node's readiness, capacity, labels or taints changed (or it came or went). */
  | { readonly kind: 'node'; readonly name: string };

const serviceIdOf = (o: { metadata?: { labels?: Record<string, string> } }) =>
  o.metadata?.labels?.[LABEL.serviceId];

/**
 * The reconciler's view of the cluster (controller-runtime's cache): informers on the
 * Deployments, Services and Pods of this installation (label maas.io/service-id +
 * maas.io/installation, indexed by service id) and on the pool nodes
 * (RECONCILER_NODE_SELECTOR). Started at boot on EVERY replica, leader or not, so that a
 * standby that takes over has warm caches; events go to `onEvent`, which the Reconciler
 * routes to the current leadership term (none: dropped). Passes read from here and never
 * list the API themselves.
 *
 * A new kind: one more ResourceInformer below (same label selector, `keyOf: serviceIdOf`,
 * onChange → objectChanged with its ServiceObjectKind), added to `all`, and an accessor
 * (`…Of(serviceId)`).
 */
export class ClusterCache {
  readonly pods: ResourceInformer<V1Pod>;
  readonly deployments: ResourceInformer<V1Deployment>;
  /** Instance groups: one StatefulSet per group of a multi-server service. */
  readonly statefulSets: ResourceInformer<V1StatefulSet>;
  readonly services: ResourceInformer<V1Service>;
  readonly nodes: ResourceInformer<V1Node>;
  private readonly nodeSignatures = new Map<string, string>();

  constructor(
    kubeConfig: KubeConfig,
    kube: KubeClient,
    installation: string,
    nodeSelector: string,
    private readonly onEvent: (event: ClusterEvent) => void,
    logger: Logger,
  ) {
    const labelSelector = installationSelector(installation);
    const nodeLabels = nodeSelector.trim() === '' ? undefined : nodeSelector;
    this.pods = new ResourceInformer<V1Pod>(kubeConfig, {
      name: 'pods',
      path: '/api/v1/pods',
      labelSelector,
      list: () => kube.listPods({ labelSelector, resourceVersion: '0' }),
      keyOf: serviceIdOf,
      onChange: (type, pod) => this.podChanged(type, pod),
      logger,
    });
    this.deployments = new ResourceInformer<V1Deployment>(kubeConfig, {
      name: 'deployments',
      path: '/apis/apps/v1/deployments',
      labelSelector,
      list: () => kube.listDeployments({ labelSelector, resourceVersion: '0' }),
      keyOf: serviceIdOf,
      onChange: (type, d) => this.objectChanged('deployment', type, d),
      logger,
    });
    this.statefulSets = new ResourceInformer<V1StatefulSet>(kubeConfig, {
      name: 'statefulsets',
      path: '/apis/apps/v1/statefulsets',
      labelSelector,
      list: () => kube.listStatefulSets({ labelSelector, resourceVersion: '0' }),
      keyOf: serviceIdOf,
      onChange: (type, s) => this.objectChanged('statefulset', type, s),
      logger,
    });
    this.services = new ResourceInformer<V1Service>(kubeConfig, {
      name: 'services',
      path: '/api/v1/services',
      labelSelector,
      list: () => kube.listServices({ labelSelector, resourceVersion: '0' }),
      keyOf: serviceIdOf,
      onChange: (type, s) => this.objectChanged('service', type, s),
      logger,
    });
    this.nodes = new ResourceInformer<V1Node>(kubeConfig, {
      name: 'nodes',
      path: '/api/v1/nodes',
      labelSelector: nodeLabels,
      list: () =>
        kube.listNodes({
          ...(nodeLabels ? { labelSelector: nodeLabels } : {}),
          resourceVersion: '0',
        }),
      onChange: (type, node) => this.nodeChanged(type, node),
      logger,
    });
  }

  private get all() {
    return [this.pods, this.deployments, this.statefulSets, this.services, this.nodes];
  }

  /**
   * Starts every informer (each retries on its own with back-off until the API answers);
   * resolves once each has its first list.
   */
  async start(): Promise<void> {
    await Promise.all(this.all.map((informer) => informer.start()));
    await this.whenSynced();
  }

  /** Resolves once every informer has its first list. */
  async whenSynced(): Promise<void> {
    await Promise.all(this.all.map((informer) => informer.whenSynced()));
  }

  get hasSynced(): boolean {
    return this.all.every((informer) => informer.hasSynced);
  }

  async stop(): Promise<void> {
    await Promise.all(this.all.map((informer) => informer.stop()));
    this.nodeSignatures.clear();
  }

  podsOf(serviceId: string): V1Pod[] {
    return this.pods.byKey(serviceId);
  }

  deploymentOf(serviceId: string): V1Deployment | undefined {
    return this.deployments.byKey(serviceId)[0];
  }

  deploymentsOf(serviceId: string): V1Deployment[] {
    return this.deployments.byKey(serviceId);
  }

  statefulSetsOf(serviceId: string): V1StatefulSet[] {
    return this.statefulSets.byKey(serviceId);
  }

  servicesOf(serviceId: string): V1Service[] {
    return this.services.byKey(serviceId);
  }

  /** Every service id some cached object carries (orphans included). */
  serviceIds(): Set<string> {
    return new Set([
      ...this.pods.indexedKeys(),
      ...this.deployments.indexedKeys(),
      ...this.statefulSets.indexedKeys(),
      ...this.services.indexedKeys(),
    ]);
  }

  private podChanged(type: ChangeType, pod: V1Pod): void {
    const serviceId = serviceIdOf(pod);
    if (!serviceId) return;
    const phase = pod.status?.phase;
    const freedCapacity =
      type === 'delete' ||
      phase === 'Failed' ||
      phase === 'Succeeded' ||
      !!pod.metadata?.deletionTimestamp;
    this.onEvent({ kind: 'pod', type, serviceId, object: pod, freedCapacity });
  }

  private objectChanged(
    kind: Exclude<ServiceObjectKind, 'pod'>,
    type: ChangeType,
    object: V1Deployment | V1StatefulSet | V1Service,
  ): void {
    const serviceId = serviceIdOf(object);
    if (serviceId) this.onEvent({ kind, type, serviceId, object, freedCapacity: false });
  }

  private nodeChanged(type: ChangeType, node: V1Node): void {
    const name = node.metadata?.name ?? '';
    const signature = type === 'delete' ? '' : nodeSignature(node);
    if (this.nodeSignatures.get(name) === signature) return;
    if (type === 'delete') this.nodeSignatures.delete(name);
    else this.nodeSignatures.set(name, signature);
    this.onEvent({ kind: 'node', name });
  }
}

/** What of a node matters to admission (heartbeats alone change nothing here). */
function nodeSignature(node: V1Node): string {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  return JSON.stringify([
    ready,
    node.status?.allocatable,
    node.metadata?.labels,
    node.spec?.taints,
    node.spec?.unschedulable,
  ]);
}
