import { describe, expect, it } from 'vitest';
import {
  desiredDeployment,
  desiredNamespace,
  desiredService,
  type DesiredWorkloadInput,
  hashOf,
  revisionOf,
} from './desired-objects.js';

const input: DesiredWorkloadInput = {
  service: {
    id: '11111111-1111-4111-8111-111111111111',
    name: 'chat',
    accountId: '44444444-4444-4444-8444-444444444444',
    projectId: '22222222-2222-4222-8222-222222222222',
    namespace: 'maas-22222222-2222-4222-8222-222222222222',
    objectName: 'ms-11111111-1111-4111-8111-111111111111',
    modelId: 'qwen3-8b',
    modelVersion: '1.0.0',
    poolId: '33333333-3333-4333-8333-333333333333',
  },
  pool: {
    nodeSelector: { 'maas.io/pool': 'pool-a' },
    taint: { key: 'maas.io/pool', value: 'pool-a', effect: 'NoSchedule' },
    npuResourceName: 'huawei.com/ascend-1980',
  },
  container: {
    image: 'quay.io/ascend/vllm-ascend:v0.9.1',
    command: ['vllm', 'serve'],
    args: ['/mnt/models/Qwen/Qwen3-8B', '--port', '8000'],
    port: 8000,
    readinessPath: '/health',
  },
  resources: { npus: 2, cpu: 40, memoryGib: 320 },
  installation: 'deployments',
  replicas: 3,
};

describe('desiredDeployment', () => {
  const d = desiredDeployment(input);
  const pod = d.spec?.template.spec;
  const container = pod?.containers[0];

  it('carries our labels, the finalizer and a selector on the service id', () => {
    expect(d.metadata).toMatchObject({
      name: input.service.objectName,
      namespace: input.service.namespace,
      finalizers: ['maas.io/cleanup'],
      labels: {
        'maas.io/service-id': input.service.id,
        'maas.io/pool': input.service.poolId,
        'maas.io/model': 'qwen3-8b',
        'maas.io/installation': 'deployments',
        'app.kubernetes.io/managed-by': 'maas',
      },
    });
    expect(d.spec?.selector.matchLabels).toEqual({
      'maas.io/service-id': input.service.id,
      'maas.io/installation': 'deployments',
    });
    expect(d.spec?.template.metadata?.labels).toMatchObject({
      ...d.spec?.selector.matchLabels,
      'maas.io/model-version': '1.0.0',
    });
  });

  it("runs on the pool's nodes, with its toleration, NPU requests equal to limits", () => {
    expect(pod?.nodeSelector).toEqual({
      'maas.io/pool': 'pool-a',
      'maas.io/account': input.service.accountId,
    });
    expect(pod?.tolerations).toEqual([
      { key: 'maas.io/pool', operator: 'Equal', value: 'pool-a', effect: 'NoSchedule' },
    ]);
    expect(container?.resources?.requests?.['huawei.com/ascend-1980']).toBe('2');
    expect(container?.resources?.limits?.['huawei.com/ascend-1980']).toBe('2');
    expect(container?.resources?.requests?.cpu).toBe('40');
  });

  it("requires nodes of the service's account, whatever the pool's selector says", () => {
    const required = {
      nodeSelectorTerms: [
        {
          matchExpressions: [
            { key: 'maas.io/account', operator: 'In', values: [input.service.accountId] },
          ],
        },
      ],
    };
    expect(pod?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toEqual(
      required,
    );
    expect(d.spec?.template.metadata?.labels?.['maas.io/account']).toBe(input.service.accountId);
    // A pool whose selector names another account (e.g. edited by hand) cannot escape it.
    const escaping = desiredDeployment({
      ...input,
      pool: {
        ...input.pool,
        nodeSelector: { 'maas.io/pool': 'pool-b', 'maas.io/account': 'someone-else' },
      },
    }).spec?.template.spec;
    expect(escaping?.nodeSelector).toEqual({
      'maas.io/pool': 'pool-b',
      'maas.io/account': input.service.accountId,
    });
    expect(
      escaping?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution,
    ).toEqual(required);
  });

  it('runs the catalog container with its port and readiness probe', () => {
    expect(container).toMatchObject({
      image: input.container.image,
      command: ['vllm', 'serve'],
      args: input.container.args,
      ports: [{ name: 'http', containerPort: 8000, protocol: 'TCP' }],
      readinessProbe: { httpGet: { path: '/health', port: 'http' } },
    });
  });

  it('rolls out without taking a serving instance down first', () => {
    expect(d.spec?.replicas).toBe(3);
    expect(d.spec?.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
    });
  });

  it('hashes the whole spec; the pod revision ignores the replica count', () => {
    expect(hashOf(d)).toMatch(/^[0-9a-f]{16}$/);
    expect(hashOf(desiredDeployment(input))).toBe(hashOf(d));
    const scaled = desiredDeployment({ ...input, replicas: 0 });
    expect(hashOf(scaled)).not.toBe(hashOf(d));
    expect(revisionOf(scaled.spec?.template)).toBe(revisionOf(d.spec?.template));
    const upgraded = desiredDeployment({
      ...input,
      service: { ...input.service, modelVersion: '1.0.1' },
      container: { ...input.container, image: 'quay.io/ascend/vllm-ascend:v0.13.0' },
    });
    expect(revisionOf(upgraded.spec?.template)).not.toBe(revisionOf(d.spec?.template));
  });

  it('tolerates nothing on a pool without a taint', () => {
    const open = desiredDeployment({ ...input, pool: { ...input.pool, taint: null } });
    expect(open.spec?.template.spec?.tolerations).toEqual([]);
  });
});

describe('desiredService', () => {
  it('selects the instances, exposes the model port and is owned by the Deployment', () => {
    const s = desiredService(
      { service: input.service, installation: 'deployments', port: 8000 },
      { name: input.service.objectName, uid: 'uid-1' },
    );
    expect(s.metadata?.ownerReferences).toEqual([
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: input.service.objectName,
        uid: 'uid-1',
        controller: true,
      },
    ]);
    expect(s.spec?.selector).toEqual({
      'maas.io/service-id': input.service.id,
      'maas.io/installation': 'deployments',
    });
    expect(s.spec?.ports).toEqual([
      { name: 'http', port: 8000, targetPort: 'http', protocol: 'TCP' },
    ]);
    expect(hashOf(s)).toBeDefined();
  });

  it('is headless when asked (no virtual IP), else the ClusterIP Service of before, unchanged', () => {
    const owner = { name: input.service.objectName, uid: 'uid-1' };
    const base = { service: input.service, installation: 'deployments', port: 8000 };
    const headless = desiredService({ ...base, headless: true }, owner);
    expect(headless.spec?.clusterIP).toBe('None');
    expect(headless.spec?.type).toBeUndefined();
    const before = desiredService(base, owner);
    expect(before.spec).toMatchObject({ type: 'ClusterIP' });
    expect(before.spec?.clusterIP).toBeUndefined();
    // The same object as before headless Services: an existing one is not applied again.
    expect(desiredService({ ...base, headless: false }, owner)).toEqual(before);
    expect(hashOf(headless)).not.toBe(hashOf(before));
  });
});

describe('desiredNamespace', () => {
  it('is labelled as ours and with its project', () => {
    expect(desiredNamespace('maas-p', 'p').metadata?.labels).toEqual({
      'app.kubernetes.io/managed-by': 'maas',
      'maas.io/project-id': 'p',
    });
  });
});
