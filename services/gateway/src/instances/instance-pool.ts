import { type V1EndpointSlice } from '@kubernetes/client-node';
import { type EndpointOverride, NO_OVERRIDE } from '@maas/config';

/** A held instance: `release()` once the request is over (idempotent). */
export interface InstanceLease {
  /** "<address>:<port>" of the endpoint (stable while the pod lives). */
  instanceId: string;
  /** Where to send the request, e.g. "http://10.244.0.7:8000" or an override's origin. */
  origin: string;
  release(): void;
}

/** One instance as metrics and tests see it. */
export interface InstanceView {
  instanceId: string;
  origin: string;
  outstanding: number;
}

/** The label the EndpointSlice controller puts on every slice of a Service. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
/** The reconciler's label on its Services, which the EndpointSlice controller copies. */
export const SERVICE_ID_LABEL = 'maas.io/service-id';
/** The model server's port name on the reconciler's Services (deployments PORT_NAME). */
export const PORT_NAME = 'http';

interface Instance {
  readonly id: string;
  readonly origin: string;
  outstanding: number;
  /** False once its endpoint is gone or not ready; kept only until its leases are released. */
  routable: boolean;
}

interface Endpoint {
  id: string;
  origin: string;
}

interface ServiceInstances {
  /** slice name → its ready endpoints. */
  readonly slices: Map<string, Endpoint[]>;
  /** Every instance with state: the routable ones and those still holding leases. */
  readonly known: Map<string, Instance>;
  /** The routable instances, by id (a stable order for the round-robin cursor). */
  ready: Instance[];
  cursor: number;
}

/** "namespace/name" of a Kubernetes Service: how slices and RoutableServices meet. */
export function serviceKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/**
 * The ready instances of every Kubernetes Service, from its EndpointSlices (pure: the
 * InstanceRegistry feeds it from the informer). Only endpoints whose `ready` condition is
 * true are routable (terminating and not-ready pods are out at once). Per instance it counts
 * the requests in flight, and keeps that count across slice updates: an instance that stays
 * keeps its count, one that goes away is dropped once its last lease is released.
 */
export class InstancePool {
  private readonly services = new Map<string, ServiceInstances>();
  /** slice "namespace/name" → the service key it was filed under. */
  private readonly sliceOwners = new Map<string, string>();
  /** maas.io/service-id → service key (slices of the reconciler's Services carry it). */
  private readonly keysById = new Map<string, string>();

  constructor(private readonly override: EndpointOverride = NO_OVERRIDE) {}

  /** A slice was added or changed (or listed again). */
  upsertSlice(slice: V1EndpointSlice): void {
    const { namespace, name, labels } = identity(slice);
    const sliceId = serviceKey(namespace, name);
    const service = labels[SERVICE_NAME_LABEL];
    const key = service ? serviceKey(namespace, service) : undefined;
    const previousKey = this.sliceOwners.get(sliceId);
    if (previousKey !== undefined && previousKey !== key) this.removeSlice(sliceId, previousKey);
    if (key === undefined) return;
    const serviceId = labels[SERVICE_ID_LABEL];
    if (serviceId) this.keysById.set(serviceId, key);
    const entry = this.services.get(key) ?? newServiceInstances();
    this.services.set(key, entry);
    entry.slices.set(name, this.readyEndpoints(slice));
    this.sliceOwners.set(sliceId, key);
    this.rebuild(entry);
  }

  /** A slice was deleted: its endpoints are gone (unless another slice lists them). */
  deleteSlice(slice: V1EndpointSlice): void {
    const { namespace, name } = identity(slice);
    const sliceId = serviceKey(namespace, name);
    const key = this.sliceOwners.get(sliceId);
    if (key !== undefined) this.removeSlice(sliceId, key);
  }

  /**
   * The routable instance of the Service with the fewest requests in flight, skipping
   * `exclude` (instances a retry already tried); ties go round-robin. The lease counts one
   * request until released.
   */
  acquire(key: string, exclude?: ReadonlySet<string>): InstanceLease | undefined {
    const entry = this.services.get(key);
    if (!entry || entry.ready.length === 0) return undefined;
    const list = entry.ready;
    const n = list.length;
    let best: Instance | undefined;
    let bestIndex = 0;
    for (let k = 0; k < n; k++) {
      const i = (entry.cursor + k) % n;
      const candidate = list[i];
      if (exclude?.has(candidate.id)) continue;
      if (!best || candidate.outstanding < best.outstanding) {
        best = candidate;
        bestIndex = i;
      }
    }
    if (!best) return undefined;
    entry.cursor = (bestIndex + 1) % n;
    return this.lease(entry, best);
  }

  readyCount(key: string): number {
    return this.services.get(key)?.ready.length ?? 0;
  }

  /** The service key of a maas.io/service-id, when its slices carry the label. */
  keyOfServiceId(serviceId: string): string | undefined {
    return this.keysById.get(serviceId);
  }

  /** The routable instances of a Service with their requests in flight. */
  instances(key: string): InstanceView[] {
    return (this.services.get(key)?.ready ?? []).map((i) => ({
      instanceId: i.id,
      origin: i.origin,
      outstanding: i.outstanding,
    }));
  }

  /** Forgets everything (the informer lists again after a restart). */
  clear(): void {
    this.services.clear();
    this.sliceOwners.clear();
    this.keysById.clear();
  }

  private lease(entry: ServiceInstances, instance: Instance): InstanceLease {
    instance.outstanding += 1;
    let released = false;
    return {
      instanceId: instance.id,
      origin: instance.origin,
      release: () => {
        if (released) return;
        released = true;
        instance.outstanding -= 1;
        if (!instance.routable && instance.outstanding === 0) {
          if (entry.known.get(instance.id) === instance) entry.known.delete(instance.id);
        }
      },
    };
  }

  private removeSlice(sliceId: string, key: string): void {
    this.sliceOwners.delete(sliceId);
    const entry = this.services.get(key);
    if (!entry) return;
    entry.slices.delete(sliceId.slice(sliceId.indexOf('/') + 1));
    this.rebuild(entry);
    if (entry.slices.size === 0 && entry.known.size === 0) {
      this.services.delete(key);
      for (const [id, k] of this.keysById) if (k === key) this.keysById.delete(id);
    }
  }

  /** Recomputes the routable set from the slices, keeping the state of instances that stay. */
  private rebuild(entry: ServiceInstances): void {
    const current = new Map<string, Endpoint>();
    for (const endpoints of entry.slices.values()) {
      for (const e of endpoints) current.set(e.id, e);
    }
    for (const [id, instance] of entry.known) {
      if (current.has(id)) continue;
      instance.routable = false;
      if (instance.outstanding === 0) entry.known.delete(id);
    }
    const ready: Instance[] = [];
    for (const e of current.values()) {
      let instance = entry.known.get(e.id);
      if (!instance || instance.origin !== e.origin) {
        instance = {
          id: e.id,
          origin: e.origin,
          outstanding: instance?.outstanding ?? 0,
          routable: true,
        };
        entry.known.set(e.id, instance);
      }
      instance.routable = true;
      ready.push(instance);
    }
    entry.ready = ready.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  private readyEndpoints(slice: V1EndpointSlice): Endpoint[] {
    const port = pickPort(slice);
    if (port === undefined || slice.addressType === 'FQDN') return [];
    const out: Endpoint[] = [];
    for (const endpoint of slice.endpoints ?? []) {
      // Strictly `ready: true`: Kubernetes reads an absent condition as "unknown, probably
      // ready", but every slice the EndpointSlice controller writes sets it, and a gateway
      // must not send traffic to a pod nobody declared ready.
      if (endpoint.conditions?.ready !== true) continue;
      // Kubernetes: consumers must use the first address (the others are fungible).
      const address = endpoint.addresses?.[0];
      if (!address) continue;
      const host = address.includes(':') ? `[${address}]` : address;
      out.push({
        id: `${host}:${port}`,
        origin: this.override.originFor(address) ?? `http://${host}:${port}`,
      });
    }
    return out;
  }
}

function identity(slice: V1EndpointSlice) {
  const metadata = slice.metadata ?? {};
  return {
    namespace: metadata.namespace ?? '',
    name: metadata.name ?? '',
    labels: metadata.labels ?? {},
  };
}

function newServiceInstances(): ServiceInstances {
  return { slices: new Map(), known: new Map(), ready: [], cursor: 0 };
}

/** The slice's model-server port: the one named "http", else its only/first numbered port. */
function pickPort(slice: V1EndpointSlice): number | undefined {
  const ports = (slice.ports ?? []).filter((p) => typeof p.port === 'number');
  return (ports.find((p) => p.name === PORT_NAME) ?? ports[0])?.port;
}
