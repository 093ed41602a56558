import { type KubernetesObject } from '@kubernetes/client-node';
import { type KubeClient } from '../../kubernetes/kube-client.js';
import { type LeaseRecord, type LeaseStore, type ObservedLease } from './lease-record.js';

interface LeaseObject extends KubernetesObject {
  spec?: Partial<LeaseRecord>;
}

/**
 * The Lease in the Kubernetes API. Written through the dynamic client with MicroTime
 * strings: client-node 2.0's typed CoordinationV1Api serializes Dates with milliseconds,
 * which the API server refuses for MicroTime fields.
 */
export class KubeLeaseStore implements LeaseStore {
  constructor(
    private readonly kube: KubeClient,
    private readonly namespace: string,
    private readonly name: string,
  ) {}

  async get(): Promise<ObservedLease | null> {
    try {
      const lease = await this.kube.read<LeaseObject>(this.ref());
      const spec = lease.spec ?? {};
      return {
        resourceVersion: lease.metadata?.resourceVersion ?? '',
        record: {
          holderIdentity: spec.holderIdentity ?? '',
          leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
          acquireTime: String(spec.acquireTime ?? ''),
          renewTime: String(spec.renewTime ?? ''),
          leaseTransitions: spec.leaseTransitions ?? 0,
        },
      };
    } catch (error) {
      if ((error as { notFound?: boolean }).notFound) return null;
      throw error;
    }
  }

  async create(record: LeaseRecord): Promise<string> {
    const created = await this.kube.create<LeaseObject>({ ...this.ref(), spec: clean(record) });
    return created.metadata?.resourceVersion ?? '';
  }

  async update(resourceVersion: string, record: LeaseRecord): Promise<string> {
    const ref = this.ref();
    const updated = await this.kube.replace<LeaseObject>({
      ...ref,
      metadata: { ...ref.metadata, resourceVersion },
      spec: clean(record),
    });
    return updated.metadata?.resourceVersion ?? '';
  }

  private ref() {
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: this.name,
        namespace: this.namespace,
        labels: { 'app.kubernetes.io/managed-by': 'maas' },
      },
    };
  }
}

/** Empty times are left out (the API server refuses an empty MicroTime). */
function clean(record: LeaseRecord): Partial<LeaseRecord> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== ''));
}
