import {
  DiscoveryV1Api,
  type Informer,
  type KubeConfig,
  type KubernetesListObject,
  makeInformer,
  type ObjectCache,
  type V1EndpointSlice,
} from '@kubernetes/client-node';
import { backoffDelay, type EventsLogger, stderrLogger } from '@maas/events';
import { type RoutableService } from '../directory/service-directory.js';
import { type EndpointOverride, NO_OVERRIDE } from '@maas/config';
import {
  type InstanceLease,
  InstancePool,
  type InstanceView,
  SERVICE_ID_LABEL,
  serviceKey,
} from './instance-pool.js';

export interface InstanceRegistryOptions {
  kubeConfig: KubeConfig;
  /** ENDPOINT_OVERRIDE, parsed (parseEndpointOverride); default: dial endpoints as they are. */
  override?: EndpointOverride;
  /**
   * Which EndpointSlices to watch (default "maas.io/service-id": the slices of the
   * reconciler's Services, which carry their Service's labels); "" watches every slice.
   */
  labelSelector?: string;
  /** Longest the list of slices may take before it counts as failed (default 10 s). */
  listTimeoutMs?: number;
  logger?: EventsLogger;
}

/** The part of a RoutableService that locates its Kubernetes Service. */
export type ServiceRef = Pick<RoutableService, 'serviceId' | 'namespace' | 'k8sServiceName'>;

const SLICES_PATH = '/apis/discovery.k8s.io/v1/endpointslices';

/**
 * The ready instances of every model service, from the EndpointSlices of its Kubernetes
 * Service (SPEC §8: "routes a request to a ready instance … balances across instances"):
 * one informer lists the slices once, then watches them (no Kubernetes call per request), and
 * an InstancePool answers `acquire` from memory. A slice belongs to the Service its
 * `kubernetes.io/service-name` label names, in its namespace; a RoutableService finds it by
 * its `namespace` and `k8sServiceName`. If the API server goes away the last known instances
 * keep serving while the informer reconnects with back-off (a relist reports what vanished).
 */
export class InstanceRegistry {
  private readonly pool: InstancePool;
  private readonly logger: EventsLogger;
  private informer?: Informer<V1EndpointSlice> & ObjectCache<V1EndpointSlice>;
  private stopped = true;
  private listed = false;
  private hasSynced = false;
  private failures = 0;
  private restartTimer?: NodeJS.Timeout;
  private readonly syncWaiters: (() => void)[] = [];

  constructor(private readonly options: InstanceRegistryOptions) {
    this.pool = new InstancePool(options.override ?? NO_OVERRIDE);
    this.logger = options.logger ?? stderrLogger;
  }

  /** True once the slices have been listed (the first time). */
  get synced(): boolean {
    return this.hasSynced;
  }

  /** Resolves once the slices have been listed. */
  whenSynced(): Promise<void> {
    if (this.hasSynced) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  /**
   * Starts the informer and waits for its first attempt. It never rejects: if Kubernetes is
   * not reachable, it keeps retrying in the background and `synced` stays false until the
   * first list succeeds.
   */
  async start(): Promise<void> {
    if (this.informer) return;
    this.stopped = false;
    const selector = this.options.labelSelector ?? SERVICE_ID_LABEL;
    const api = this.options.kubeConfig.makeApiClient(DiscoveryV1Api);
    const informer = makeInformer<V1EndpointSlice>(
      this.options.kubeConfig,
      SLICES_PATH,
      () => this.list(api, selector),
      selector || undefined,
    );
    informer.on('add', (slice) => this.pool.upsertSlice(slice));
    informer.on('update', (slice) => this.pool.upsertSlice(slice));
    informer.on('delete', (slice) => this.pool.deleteSlice(slice));
    informer.on('error', (error) => this.failed(error));
    this.informer = informer;
    await this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    const informer = this.informer;
    this.informer = undefined;
    await informer?.stop();
  }

  /**
   * The ready instance of the service with the fewest requests in flight (ties round-robin),
   * skipping `exclude`; undefined when none is ready. The caller releases the lease when the
   * request is over (also on error and on client disconnect).
   */
  acquire(service: ServiceRef, exclude?: ReadonlySet<string>): InstanceLease | undefined {
    return this.pool.acquire(serviceKey(service.namespace, service.k8sServiceName), exclude);
  }

  /**
   * Ready instances of a service: by its RoutableService (namespace + Kubernetes Service
   * name), or by its id, which only works for slices labelled maas.io/service-id (the
   * reconciler's Services).
   */
  readyCount(service: string | ServiceRef): number {
    const key = typeof service === 'string' ? this.pool.keyOfServiceId(service) : keyOf(service);
    return key === undefined ? 0 : this.pool.readyCount(key);
  }

  /** The ready instances of a service with their requests in flight (metrics, tests). */
  instances(service: ServiceRef): InstanceView[] {
    return this.pool.instances(keyOf(service));
  }

  private async list(
    api: DiscoveryV1Api,
    labelSelector: string,
  ): Promise<KubernetesListObject<V1EndpointSlice>> {
    const timeoutMs = this.options.listTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`listing EndpointSlices took over ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      const list = await Promise.race([
        api.listEndpointSliceForAllNamespaces(labelSelector ? { labelSelector } : {}),
        timeout,
      ]);
      this.listed = true;
      return list;
    } finally {
      clearTimeout(timer);
    }
  }

  private async run(): Promise<void> {
    const informer = this.informer;
    if (!informer || this.stopped) return;
    this.listed = false;
    const failuresBefore = this.failures;
    // Resolves once the list (if one was needed) and the watch request are done; a failure
    // on the way has called `failed` synchronously before that.
    await informer.start();
    if (this.failures === failuresBefore) this.failures = 0;
    if (this.listed && !this.hasSynced) {
      this.hasSynced = true;
      this.logger.info({}, 'EndpointSlices listed; watching');
      for (const resolve of this.syncWaiters.splice(0)) resolve();
    }
  }

  /** client-node stops its informer on any error but a 410; restart it with back-off. */
  private failed(error: unknown): void {
    if (this.stopped) return;
    this.failures += 1;
    const retryInMs = backoffDelay(this.failures, { minMs: 500, maxMs: 30_000 });
    this.logger.warn(
      { err: error instanceof Error ? error.message : String(error), retryInMs },
      'EndpointSlice informer failed; serving the last known instances and restarting',
    );
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      this.run().catch((e: unknown) => this.failed(e));
    }, retryInMs);
    this.restartTimer.unref();
  }
}

function keyOf(service: ServiceRef): string {
  return serviceKey(service.namespace, service.k8sServiceName);
}
