import { type KubernetesObject, type V1Deployment } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { type KubeClient } from '../../kubernetes/kube-client.js';
import { KubeApiError } from '../../kubernetes/kube-errors.js';
import { WorkloadApplier } from './workload-applier.js';

class FakeKube {
  applied: KubernetesObject[] = [];
  nextVersion = 100;
  failWith?: KubeApiError;

  apply<T extends KubernetesObject>(object: T): Promise<T> {
    if (this.failWith) return Promise.reject(this.failWith);
    this.applied.push(object);
    return Promise.resolve({
      ...object,
      metadata: { ...object.metadata, resourceVersion: String(this.nextVersion++), uid: 'u1' },
    });
  }
}

const deployment = (
  hash: string,
  replicas: number,
  extra: Partial<V1Deployment['metadata']> = {},
): V1Deployment => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'ms-1',
    namespace: 'maas-p',
    finalizers: ['maas.io/cleanup'],
    annotations: { 'maas.io/spec-hash': hash },
    ...extra,
  },
  spec: { replicas, selector: {}, template: {} },
});

const setup = () => {
  const kube = new FakeKube();
  return { kube, applier: new WorkloadApplier(kube as unknown as KubeClient) };
};

describe('WorkloadApplier', () => {
  it('applies what is missing or different, and nothing that already matches', async () => {
    const { kube, applier } = setup();
    await applier.deployment(deployment('a', 1), undefined);
    await applier.deployment(deployment('a', 1), deployment('a', 1, { resourceVersion: '500' }));
    expect(kube.applied).toHaveLength(1);
    await applier.deployment(deployment('b', 1), deployment('a', 1, { resourceVersion: '500' }));
    expect(kube.applied).toHaveLength(2);
  });

  it('re-applies on drift of the replica count or a missing finalizer', async () => {
    const { kube, applier } = setup();
    await applier.deployment(deployment('a', 2), deployment('a', 0, { resourceVersion: '500' }));
    await applier.deployment(
      deployment('a', 2),
      deployment('a', 2, { resourceVersion: '500', finalizers: [] }),
    );
    expect(kube.applied).toHaveLength(2);
  });

  it('does not apply twice while the cache still shows the object before our write', async () => {
    const { kube, applier } = setup();
    await applier.deployment(deployment('b', 1), deployment('a', 1, { resourceVersion: '50' })); // → rv 100
    await applier.deployment(deployment('b', 1), deployment('a', 1, { resourceVersion: '50' }));
    expect(kube.applied).toHaveLength(1);
    // A newer object with another hash is a real change (drift): apply again.
    await applier.deployment(deployment('b', 1), deployment('a', 1, { resourceVersion: '150' }));
    expect(kube.applied).toHaveLength(2);
  });

  it('leaves an object being deleted alone', async () => {
    const { kube, applier } = setup();
    const deleting = deployment('a', 1, { deletionTimestamp: new Date() });
    expect(await applier.deployment(deployment('b', 1), deleting)).toBe(deleting);
    expect(kube.applied).toHaveLength(0);
  });

  it('applies a namespace once per term, and again after it vanished', async () => {
    const { kube, applier } = setup();
    await applier.ensureNamespace('maas-p', 'p');
    await applier.ensureNamespace('maas-p', 'p');
    expect(kube.applied.filter((o) => o.kind === 'Namespace')).toHaveLength(1);
    kube.failWith = new KubeApiError('apply', 404, 'NotFound', 'namespaces "maas-p" not found');
    const error = await applier.deployment(deployment('a', 1), undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeApiError);
    expect((error as KubeApiError).retryable).toBe(true);
    kube.failWith = undefined;
    await applier.ensureNamespace('maas-p', 'p');
    expect(kube.applied.filter((o) => o.kind === 'Namespace')).toHaveLength(2);
  });
});
