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
  it('applies again at once when the informer delivered its write before the write returned', async () => {
    const { kube, applier } = setup();
    // The watch shows version 100 (our apply's) and then 101 (the controller's status write)
    // before the apply's own answer is handled.
    const apply = applier.deployment(
      deployment('a', 3),
      deployment('a', 3, { resourceVersion: '9' }),
    );
    const applying = applier.deployment(
      deployment('b', 3),
      deployment('a', 3, { resourceVersion: '9' }),
    );
    applier.observed('Deployment', deployment('b', 3, { resourceVersion: '100' }));
    applier.observed('Deployment', deployment('b', 3, { resourceVersion: '101' }));
    await Promise.all([apply, applying]);
    expect(kube.applied).toHaveLength(1);
    // Stopped (replicas 0, by someone else's write), started again: the cache's 0 replicas are
    // not a lag behind version 100, which the informer already delivered.
    await applier.deployment(deployment('b', 3), deployment('b', 0, { resourceVersion: '102' }));
    expect(kube.applied).toHaveLength(2);
  });

  it('forgets what it wrote when a later write of ours (scale to zero) supersedes it', async () => {
    const { kube, applier } = setup();
    await applier.deployment(deployment('a', 3), undefined);
    applier.forget('Deployment', deployment('a', 3));
    await applier.deployment(deployment('a', 3), deployment('a', 0, { resourceVersion: '555' }));
    expect(kube.applied).toHaveLength(2);
  });

  it('shows a write made outside apply until the informer delivers that version', () => {
    const { applier } = setup();
    const cached = deployment('a', 1, { resourceVersion: '7' });
    const written = deployment('a', 1, { resourceVersion: '8', annotations: { note: 'x' } });
    applier.wrote('Deployment', written);
    expect(applier.latest('Deployment', cached).metadata?.annotations).toEqual({ note: 'x' });
    applier.observed('Deployment', deployment('a', 1, { resourceVersion: '8' }));
    expect(applier.latest('Deployment', cached)).toBe(cached);
  });

  it('applies what is missing or different, and nothing that already matches', async () => {
    const { kube, applier } = setup();
    await applier.deployment(deployment('a', 1), undefined);
    await applier.deployment(deployment('a', 1), deployment('a', 1, { resourceVersion: '500' }));
    expect(kube.applied).toHaveLength(1);
    await applier.deployment(deployment('b', 1), deployment('a', 1, { resourceVersion: '500' }));
    expect(kube.applied).toHaveLength(2);
  });

  it('does not create again what it created while the cache does not show it yet', async () => {
    const { kube, applier } = setup();
    const created = await applier.deployment(deployment('a', 1), undefined);
    expect(await applier.deployment(deployment('a', 1), undefined)).toEqual(created);
    expect(kube.applied).toHaveLength(1);
    // A new spec is applied at once, cache or not.
    await applier.deployment(deployment('b', 1), undefined);
    expect(kube.applied).toHaveLength(2);
  });

  it('creates again at once what was deleted before the cache showed it', async () => {
    const { kube, applier } = setup();
    await applier.deployment(deployment('a', 1), undefined);
    applier.observed('Deployment', deployment('a', 1, { resourceVersion: '107' }), true);
    await applier.deployment(deployment('a', 1), undefined);
    expect(kube.applied).toHaveLength(2);
  });

  it('re-applies on drift of the replica count or a missing finalizer', async () => {
    const { kube, applier } = setup();
    await applier.deployment(deployment('a', 2), deployment('a', 0, { resourceVersion: '500' }));
    applier.observed('Deployment', deployment('a', 2, { resourceVersion: '100' })); // our write
    await applier.deployment(
      deployment('a', 2),
      deployment('a', 2, { resourceVersion: '500', finalizers: [] }),
    );
    expect(kube.applied).toHaveLength(2);
  });

  it('does not apply twice while the cache still shows the object before our write', async () => {
    const { kube, applier } = setup();
    const before = deployment('a', 1, { resourceVersion: '50' });
    await applier.deployment(deployment('b', 1), before); // → rv 100
    await applier.deployment(deployment('b', 1), before);
    expect(kube.applied).toHaveLength(1);
    // The informer shows our write: from now on the cache is the truth…
    applier.observed('Deployment', deployment('b', 1, { resourceVersion: '100' }));
    // …so another hash there is a real change (drift): apply again. Versions are never
    // compared by order: '7' is not "older" than '100'.
    await applier.deployment(deployment('b', 1), deployment('a', 1, { resourceVersion: '7' }));
    expect(kube.applied).toHaveLength(2);
  });

  it('applies a new replica count at once although the cache has not shown its last write', async () => {
    const { kube, applier } = setup();
    const running = deployment('a', 2, { resourceVersion: '50' });
    await applier.deployment(deployment('a', 0), running); // stop → rv 100, not seen yet
    await applier.deployment(deployment('a', 2), running); // start: same hash, other replicas
    expect(kube.applied.map((d) => (d as V1Deployment).spec?.replicas)).toEqual([0, 2]);
    // Likewise before a create has shown up in the cache.
    const fresh = setup();
    await fresh.applier.deployment(deployment('c', 1), undefined);
    await fresh.applier.deployment(deployment('c', 3), undefined);
    expect(fresh.kube.applied).toHaveLength(2);
  });

  it('trusts the cache again once it shows the version written, or after a while', async () => {
    let now = 0;
    const kube = new FakeKube();
    const applier = new WorkloadApplier(kube as unknown as KubeClient, () => now);
    const before = deployment('a', 1, { resourceVersion: 'x' });
    await applier.deployment(deployment('b', 1), before); // → rv 100
    await applier.deployment(deployment('b', 1), deployment('b', 1, { resourceVersion: '100' }));
    expect(kube.applied).toHaveLength(1); // caught up: same hash, nothing to do
    await applier.deployment(deployment('b', 1), deployment('a', 1, { resourceVersion: 'y' }));
    expect(kube.applied).toHaveLength(2); // a change after ours: applied again (→ rv 101)
    await applier.deployment(deployment('b', 1), before);
    expect(kube.applied).toHaveLength(2); // unseen yet
    now += 31_000;
    await applier.deployment(deployment('b', 1), before);
    expect(kube.applied).toHaveLength(3); // never seen (a re-list skipped it): trust the cache
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
    kube.failWith = new KubeApiError('apply', 404, 'NotFound', 'namespaces "maas-p" not found', {
      details: { name: 'maas-p', kind: 'namespaces' },
    });
    const error = await applier.deployment(deployment('a', 1), undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeApiError);
    expect((error as KubeApiError).retryable).toBe(true);
    kube.failWith = undefined;
    await applier.ensureNamespace('maas-p', 'p');
    expect(kube.applied.filter((o) => o.kind === 'Namespace')).toHaveLength(2);
  });
});
