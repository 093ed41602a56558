import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DeploymentsConfig } from '../config.js';
import { type KubeClient } from '../kubernetes/kube-client.js';
import { USAGE_NOT_MEASURED } from '../model-services/dto/service.response.js';
import { ResourceUsageReader } from './resource-usage.reader.js';

const pod: V1Pod = {
  metadata: { name: 'svc-a', namespace: 'ns' },
  spec: {
    nodeName: 'n1',
    containers: [{ name: 'model-server', ports: [{ name: 'http', containerPort: 8000 }] }],
  },
  status: { phase: 'Running', podIP: '10.244.0.4', hostIP: '10.0.0.1' },
};

/** Counts pod lists (one per read that is not served from the cache). */
function kube(pods: V1Pod[] = [pod]) {
  const calls = { lists: 0 };
  const client = {
    listNamespacedPods: () => {
      calls.lists += 1;
      return Promise.resolve(pods);
    },
  } as unknown as KubeClient;
  return { client, calls };
}

const config = (over: Partial<DeploymentsConfig>) =>
  ({
    USAGE_SOURCE: 'scrape',
    USAGE_PROMETHEUS_URL: undefined,
    USAGE_PROMETHEUS_POD_LABEL: 'pod',
    USAGE_PROMETHEUS_NAMESPACE_LABEL: 'namespace',
    USAGE_NPU_EXPORTER_PORT: 8082,
    USAGE_ENDPOINT_OVERRIDE: '',
    USAGE_TIMEOUT_MS: 1000,
    USAGE_CACHE_MS: 0,
    ...over,
  }) as DeploymentsConfig;

// A metrics endpoint that answers, and one that never does (a hung exporter).
let server: Server;
let hung: Server;
let origin: string;
let hungOrigin: string;
const listen = async (s: Server) => {
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
};
beforeAll(async () => {
  hung = createServer(() => undefined);
  hungOrigin = await listen(hung);
  server = createServer((req, res) => {
    res.end(
      'npu_chip_info_utilization{id="0",namespace="ns",pod_name="svc-a"} 30\n' +
        'vllm:num_requests_running 1\n',
    );
  });
  origin = await listen(server);
});
afterAll(async () => {
  for (const s of [server, hung]) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

describe('ResourceUsageReader', () => {
  it('says "not measured" only when no source is configured', async () => {
    const { client, calls } = kube();
    const reader = new ResourceUsageReader(client, config({ USAGE_SOURCE: 'none' }));
    expect(reader.measured).toBe(false);
    expect(await reader.read({ id: 's', k8sNamespace: 'ns' })).toMatchObject({
      compute_usage: null,
      source: null,
      note: USAGE_NOT_MEASURED,
    });
    expect(calls.lists).toBe(0);
  });

  it('refuses prometheus without its URL at start', () => {
    expect(
      () => new ResourceUsageReader(kube().client, config({ USAGE_SOURCE: 'prometheus' })),
    ).toThrow('USAGE_SOURCE=prometheus needs USAGE_PROMETHEUS_URL');
  });

  it('reads the figures and reuses them for USAGE_CACHE_MS', async () => {
    const { client, calls } = kube();
    const reader = new ResourceUsageReader(
      client,
      config({ USAGE_ENDPOINT_OVERRIDE: `10.0.0.0/8=${origin}`, USAGE_CACHE_MS: 60_000 }),
    );
    const first = await reader.read({ id: 's', k8sNamespace: 'ns' });
    expect(first).toMatchObject({
      source: 'scrape',
      compute_usage: 0.3,
      running_requests: 1,
      note: null,
    });
    expect(await reader.read({ id: 's', k8sNamespace: 'ns' })).toBe(first);
    expect(calls.lists).toBe(1);
  });

  it('answers within USAGE_TIMEOUT_MS when a source hangs, saying so', async () => {
    const reader = new ResourceUsageReader(
      kube().client,
      config({ USAGE_ENDPOINT_OVERRIDE: `10.0.0.0/8=${hungOrigin}`, USAGE_TIMEOUT_MS: 200 }),
    );
    const started = Date.now();
    const usage = await reader.read({ id: 's', k8sNamespace: 'ns' });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(usage).toMatchObject({ compute_usage: null, source: 'scrape' });
    expect(usage.note).toMatch(/no answer in time/);
  });

  it('says when the service has no running instance', async () => {
    const reader = new ResourceUsageReader(kube([]).client, config({}));
    expect((await reader.read({ id: 's', k8sNamespace: 'ns' })).note).toBe('No running instance');
  });
});
