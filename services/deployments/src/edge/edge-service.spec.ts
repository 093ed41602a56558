import { type V1Service } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { desiredEdgeService } from './edge-service.js';

const main: V1Service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: {
    name: 'ms-abc',
    namespace: 'maas-p',
    labels: { 'maas.io/service-id': 'abc' },
    annotations: { 'maas.io/service-name': 'qwen', 'maas.io/spec-hash': 'h1' },
    ownerReferences: [
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'ms-abc', uid: 'u1', controller: true },
    ],
  },
  spec: {
    type: 'ClusterIP',
    selector: { 'maas.io/service-id': 'abc' },
    ports: [{ name: 'http', port: 8000, targetPort: 'http', protocol: 'TCP' }],
  },
};

describe('desiredEdgeService', () => {
  it('load balancing: a LoadBalancer on the pool port, same selector, labels and owner', () => {
    const svc = desiredEdgeService(main, {
      accessMode: 'load_balancing',
      port: 8080,
      apiUrl: '/x',
      nodePort: null,
    });
    expect(svc.metadata).toMatchObject({
      name: 'ms-abc-edge',
      namespace: 'maas-p',
      labels: main.metadata?.labels,
      ownerReferences: main.metadata?.ownerReferences,
      annotations: { 'maas.io/service-name': 'qwen' },
    });
    expect(svc.spec).toEqual({
      type: 'LoadBalancer',
      selector: main.spec?.selector,
      ports: [{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }],
    });
  });

  it('node: a NodePort that only nodes running an instance answer, fixed port when given', () => {
    const assigned = desiredEdgeService(main, {
      accessMode: 'node',
      port: null,
      apiUrl: '',
      nodePort: null,
    });
    expect(assigned.spec).toEqual({
      type: 'NodePort',
      externalTrafficPolicy: 'Local',
      selector: main.spec?.selector,
      ports: [{ name: 'http', port: 8000, targetPort: 'http', protocol: 'TCP' }],
    });
    const fixed = desiredEdgeService(main, {
      accessMode: 'node',
      port: null,
      apiUrl: '',
      nodePort: 31_000,
    });
    expect(fixed.spec?.ports?.[0].nodePort).toBe(31_000);
  });
});
