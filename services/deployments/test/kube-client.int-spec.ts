// The Kubernetes client's annotation patch against the real kube-apiserver: what the
// reconciler keeps on an instance group's StatefulSet (restart and formation records).
import { randomBytes } from 'node:crypto';
import { type V1StatefulSet } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeApiError } from '../src/kubernetes/kube-errors.js';
import { KubeClient } from '../src/kubernetes/kube-client.js';
import { TokenBucket } from '../src/kubernetes/token-bucket.js';
import { apps, core, kc, removeNamespace } from './kwok.js';

const ns = `kc-${randomBytes(4).toString('hex')}`;
const client = new KubeClient(kc, new TokenBucket(50, 100));
const RECORDS = 'maas.io/group-restarts';

const statefulSet = (): V1StatefulSet => ({
  metadata: { name: 'g0', namespace: ns, annotations: { 'maas.io/spec-hash': 'h' } },
  spec: {
    replicas: 0,
    serviceName: 'g0',
    selector: { matchLabels: { app: 'g0' } },
    template: {
      metadata: { labels: { app: 'g0' } },
      spec: { containers: [{ name: 'c', image: 'x' }] },
    },
  },
});

beforeAll(async () => {
  await core.createNamespace({ body: { metadata: { name: ns } } });
});

afterAll(async () => {
  await removeNamespace(ns);
});

describe('KubeClient.patchStatefulSetAnnotations', () => {
  it('writes through a newer resourceVersion, and fails a stale view of a guarded key as a retryable conflict', async () => {
    const created = await apps.createNamespacedStatefulSet({ namespace: ns, body: statefulSet() });
    // No record yet: the view's resourceVersion is tested. Someone else writes in between (as
    // the StatefulSet controller's status writes do just as a group becomes ready): the patch
    // reads the object again and, the guarded key still absent, writes.
    await apps.patchNamespacedStatefulSet({
      name: 'g0',
      namespace: ns,
      body: [{ op: 'add', path: '/metadata/labels', value: { status: 'writer' } }],
    });
    const first = await client.patchStatefulSetAnnotations(created, { [RECORDS]: '[1]' }, [
      RECORDS,
    ]);
    expect(first.metadata?.annotations?.[RECORDS]).toBe('[1]');

    // Someone else changes the object (as the controller's status writes do): the view
    // `first` is now of an older resourceVersion, but its guarded key still holds — it writes.
    await apps.patchNamespacedStatefulSet({
      name: 'g0',
      namespace: ns,
      body: [{ op: 'add', path: '/metadata/labels', value: { status: 'writer', other: 'writer' } }],
    });
    const second = await client.patchStatefulSetAnnotations(
      first,
      { 'maas.io/group-formed': 'a,b' },
      [RECORDS],
    );
    expect(second.metadata?.annotations).toMatchObject({
      [RECORDS]: '[1]',
      'maas.io/group-formed': 'a,b',
    });

    // A view older than the last record: refused, as a conflict the pass retries.
    const stale = await client
      .patchStatefulSetAnnotations(created, { [RECORDS]: '[2]' }, [RECORDS])
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(stale).toBeInstanceOf(KubeApiError);
    expect(stale).toMatchObject({ status: 409, retryable: true });

    // Removing a key.
    const third = await client.patchStatefulSetAnnotations(second, {
      'maas.io/group-formed': null,
    });
    expect(third.metadata?.annotations?.['maas.io/group-formed']).toBeUndefined();
    expect(third.metadata?.annotations?.[RECORDS]).toBe('[1]');
  });
});
