import { randomBytes } from 'node:crypto';
import {
  CoreV1Api,
  DiscoveryV1Api,
  KubeConfig,
  type V1Endpoint,
  type V1EndpointSlice,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEndpointOverride } from '@maas/config';
import { eventually, loadStackEnv, quiet } from '@maas/testing';
import { InstanceRegistry, type ServiceRef } from '../src/instances/index.js';

// The InstanceRegistry against the local kube-apiserver (+ KWOK): real Services, slices and
// pods in a namespace of this run, watched through the informer; the endpoint override maps
// the fake pod IPs to the vLLM simulators, which a request then really reaches.

const env = loadStackEnv();
const sims = env.SIM_URLS.split(',').map((u) => new URL(u).origin);
const namespace = `gws-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
const kubeConfig = new KubeConfig();
kubeConfig.loadFromFile(env.KUBECONFIG);
const core = kubeConfig.makeApiClient(CoreV1Api);
const discovery = kubeConfig.makeApiClient(DiscoveryV1Api);
const registries: InstanceRegistry[] = [];

function newRegistry(): InstanceRegistry {
  const registry = new InstanceRegistry({
    kubeConfig,
    override: parseEndpointOverride(`10.244.0.0/16=${sims.join(',')}`),
    logger: quiet,
  });
  registries.push(registry);
  return registry;
}

const endpoint = (ip: string, ready: boolean): V1Endpoint => ({
  addresses: [ip],
  conditions: { ready, serving: ready, terminating: false },
});

/** A slice we manage ourselves (the EndpointSlice controller leaves it alone). */
function manualSlice(name: string, service: string, serviceId: string, endpoints: V1Endpoint[]) {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name,
      namespace,
      labels: {
        'kubernetes.io/service-name': service,
        'endpointslice.kubernetes.io/managed-by': 'gateway-state-test',
        'maas.io/service-id': serviceId,
      },
    },
    addressType: 'IPv4',
    endpoints,
    ports: [{ name: 'http', port: 8000, protocol: 'TCP' }],
  } satisfies V1EndpointSlice;
}

beforeAll(async () => {
  await core.createNamespace({ body: { metadata: { name: namespace } } });
});

afterAll(async () => {
  await Promise.allSettled(registries.map((r) => r.stop()));
  await core.deleteNamespace({ name: namespace }).catch(() => undefined);
});

describe('InstanceRegistry on the local kube-apiserver', () => {
  it('sees ready endpoints of a slice, drops not-ready and deleted ones, within seconds', async () => {
    const svc: ServiceRef = {
      serviceId: 'svc-manual',
      namespace,
      k8sServiceName: 'model-manual',
    };
    // A Service without selector: its slices are ours to write.
    await core.createNamespacedService({
      namespace,
      body: {
        metadata: { name: svc.k8sServiceName, labels: { 'maas.io/service-id': svc.serviceId } },
        spec: { ports: [{ name: 'http', port: 8000, protocol: 'TCP' }] },
      },
    });
    await discovery.createNamespacedEndpointSlice({
      namespace,
      body: manualSlice('model-manual-1', svc.k8sServiceName, svc.serviceId, [
        endpoint('10.244.200.4', true),
        endpoint('10.244.200.5', false),
      ]),
    });

    const registry = newRegistry();
    expect(registry.synced).toBe(false);
    await registry.start();
    await eventually(() => registry.synced, { description: 'slices listed' });
    await eventually(() => registry.readyCount(svc) === 1, { description: 'one ready endpoint' });
    expect(registry.readyCount(svc.serviceId)).toBe(1);
    expect(registry.instances(svc)).toEqual([
      { instanceId: '10.244.200.4:8000', origin: sims[0], outstanding: 0 },
    ]);

    // The override's origin is where the model server really answers.
    const lease = registry.acquire(svc);
    expect(lease?.instanceId).toBe('10.244.200.4:8000');
    const models = await fetch(`${lease!.origin}/v1/models`);
    expect(models.status).toBe(200);
    lease!.release();

    // The second endpoint turns ready: both take traffic, round-robin when idle.
    await discovery.replaceNamespacedEndpointSlice({
      name: 'model-manual-1',
      namespace,
      body: manualSlice('model-manual-1', svc.k8sServiceName, svc.serviceId, [
        endpoint('10.244.200.4', true),
        endpoint('10.244.200.5', true),
      ]),
    });
    await eventually(() => registry.readyCount(svc) === 2, { timeoutMs: 5_000 });
    const picks = [registry.acquire(svc)!, registry.acquire(svc)!];
    expect(picks.map((p) => p.origin).sort()).toEqual([sims[0], sims[1 % sims.length]].sort());
    picks.forEach((p) => p.release());

    // The first one turns not ready: only the second is left.
    await discovery.replaceNamespacedEndpointSlice({
      name: 'model-manual-1',
      namespace,
      body: manualSlice('model-manual-1', svc.k8sServiceName, svc.serviceId, [
        endpoint('10.244.200.4', false),
        endpoint('10.244.200.5', true),
      ]),
    });
    await eventually(
      () =>
        registry
          .instances(svc)
          .map((i) => i.instanceId)
          .join() === '10.244.200.5:8000',
      { timeoutMs: 5_000, description: 'the not-ready endpoint dropped' },
    );

    // The slice is deleted: nothing to route to.
    await discovery.deleteNamespacedEndpointSlice({ name: 'model-manual-1', namespace });
    await eventually(() => registry.readyCount(svc) === 0, { timeoutMs: 5_000 });
    expect(registry.acquire(svc)).toBeUndefined();
  });

  it('follows the slices the EndpointSlice controller makes for a pod, labels included', async () => {
    const svc: ServiceRef = {
      serviceId: 'svc-pod',
      namespace,
      k8sServiceName: 'model-pod',
    };
    const selector = { 'maas.io/service-id': svc.serviceId, app: 'gws-test' };
    const registry = newRegistry();
    await registry.start();
    await eventually(() => registry.synced, { description: 'slices listed' });
    // Like the reconciler's Service: labelled with the service id, selecting the pods.
    await core.createNamespacedService({
      namespace,
      body: {
        metadata: { name: svc.k8sServiceName, labels: { 'maas.io/service-id': svc.serviceId } },
        spec: {
          selector,
          ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
        },
      },
    });
    const nodes = await core.listNode({ labelSelector: 'type=kwok' });
    const node = nodes.items[0];
    expect(node, 'a KWOK node').toBeDefined();
    const pool = node.metadata?.labels?.['maas.io/pool'];
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'model-pod-0', labels: selector },
        spec: {
          nodeName: node.metadata!.name,
          tolerations: pool
            ? [{ key: 'maas.io/pool', operator: 'Equal', value: pool, effect: 'NoSchedule' }]
            : [],
          containers: [
            {
              name: 'model-server',
              image: 'vllm/vllm-openai:fake',
              ports: [{ name: 'http', containerPort: 8000 }],
            },
          ],
        },
      },
    });

    // KWOK runs the pod and marks it ready; the controller writes a slice with the Service's
    // labels (so the slice is watched under the default maas.io/service-id selector).
    await eventually(() => registry.readyCount(svc) === 1, {
      timeoutMs: 30_000,
      description: "the pod's endpoint ready in the registry",
    });
    expect(registry.readyCount(svc.serviceId)).toBe(1);
    const [instance] = registry.instances(svc);
    expect(instance.instanceId).toMatch(/^10\.244\.\d+\.\d+:8000$/);
    expect(sims).toContain(instance.origin);
    const slices = await discovery.listNamespacedEndpointSlice({
      namespace,
      labelSelector: `kubernetes.io/service-name=${svc.k8sServiceName}`,
    });
    expect(slices.items[0]?.metadata?.labels?.['maas.io/service-id']).toBe(svc.serviceId);

    await core.deleteNamespacedPod({ name: 'model-pod-0', namespace, gracePeriodSeconds: 0 });
    await eventually(() => registry.readyCount(svc) === 0, {
      timeoutMs: 30_000,
      description: 'the deleted pod gone from the registry',
    });
  });
});
