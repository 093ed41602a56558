import { describe, expect, it } from 'vitest';
import { parseEndpointOverride } from '@maas/config';
import { type PodTarget } from './pod-target.js';
import { PrometheusSource } from './prometheus-source.js';
import { ScrapeSource } from './scrape-source.js';

const pods: PodTarget[] = [
  {
    name: 'svc-a',
    namespace: 'ns',
    node: 'n1',
    podIp: '10.244.0.4',
    hostIp: '10.0.0.1',
    port: 8000,
  },
  {
    name: 'svc-b',
    namespace: 'ns',
    node: 'n1',
    podIp: '10.244.0.5',
    hostIp: '10.0.0.1',
    port: 8000,
  },
];

/** A fetch answering from a table of URL → body (a number: that HTTP status). */
function fakeFetch(pages: Record<string, string | number>, calls: string[] = []): typeof fetch {
  return ((input: string | URL) => {
    const url = String(input);
    calls.push(url);
    const page = pages[url];
    if (page === undefined)
      return Promise.reject(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }));
    if (typeof page === 'number') return Promise.resolve(new Response('no', { status: page }));
    return Promise.resolve(new Response(page));
  }) as typeof fetch;
}

const exporterPage = [
  'npu_chip_info_utilization{id="0",namespace="ns",pod_name="svc-a"} 40',
  'npu_chip_info_utilization{id="1",namespace="ns",pod_name="svc-b"} 80',
  'npu_chip_info_utilization{id="2",namespace="other",pod_name="svc-a"} 99',
  'npu_chip_info_utilization{id="3",namespace="",pod_name=""} 0',
].join('\n');

describe('ScrapeSource', () => {
  it("reads each node's npu-exporter once and each pod's /metrics, through the override", async () => {
    const calls: string[] = [];
    const source = new ScrapeSource({
      npuExporterPort: 8082,
      override: parseEndpointOverride('10.244.0.0/16=http://sim:1,http://sim:2'),
      fetch: fakeFetch(
        {
          'http://10.0.0.1:8082/metrics': exporterPage,
          'http://sim:1/metrics': 'vllm:num_requests_running 3',
          'http://sim:2/metrics': 503,
        },
        calls,
      ),
    });
    const read = await source.read(pods, new AbortController().signal);
    expect(calls.filter((c) => c.includes(':8082')).length).toBe(1);
    expect(read[0].npu.map((s) => s.labels.id)).toEqual(['0']);
    expect(read[0].server).toEqual([{ name: 'vllm:num_requests_running', labels: {}, value: 3 }]);
    expect(read[0].errors).toEqual([]);
    expect(read[1].npu.map((s) => s.labels.id)).toEqual(['1']);
    expect(read[1].errors).toEqual(['model server metrics: HTTP 503']);
  });

  it('names an unreachable exporter without its URL', async () => {
    const source = new ScrapeSource({
      npuExporterPort: 8082,
      override: parseEndpointOverride(''),
      fetch: fakeFetch({}),
    });
    const [a] = await source.read(pods.slice(0, 1), new AbortController().signal);
    expect(a.errors).toEqual([
      'npu-exporter on n1: unreachable (ECONNREFUSED)',
      'model server metrics: unreachable (ECONNREFUSED)',
    ]);
  });
});

describe('PrometheusSource', () => {
  it('asks two instant queries scoped to the pods and splits the answer per pod', async () => {
    const calls: string[] = [];
    const answer = (result: unknown[]) =>
      JSON.stringify({ status: 'success', data: { resultType: 'vector', result } });
    const fetchFn: typeof fetch = ((input: string | URL) => {
      const url = String(input);
      calls.push(decodeURIComponent(url));
      const npu = url.includes('npu_chip');
      return Promise.resolve(
        new Response(
          npu
            ? answer([
                {
                  metric: { __name__: 'npu_chip_info_utilization', id: '0', pod_name: 'svc-b' },
                  value: [1, '55'],
                },
              ])
            : answer([
                {
                  metric: { __name__: 'vllm:num_requests_waiting', pod: 'svc-a' },
                  value: [1, '2'],
                },
              ]),
        ),
      );
    }) as typeof fetch;
    const source = new PrometheusSource({
      url: 'http://prom:9090/',
      podLabel: 'pod',
      namespaceLabel: 'namespace',
      fetch: fetchFn,
    });
    const [a, b] = await source.read(pods, new AbortController().signal);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toContain('http://prom:9090/api/v1/query?query=');
    expect(calls[0]).toContain('namespace="ns",pod_name=~"svc-a|svc-b"');
    expect(calls[1]).toContain('vllm:num_requests_running|vllm:num_requests_waiting');
    expect(a.server).toEqual([
      { name: 'vllm:num_requests_waiting', labels: { pod: 'svc-a' }, value: 2 },
    ]);
    expect(a.npu).toEqual([]);
    expect(b.npu[0]).toMatchObject({ name: 'npu_chip_info_utilization', value: 55 });
  });

  it('reports an answer that is not an instant vector', async () => {
    const source = new PrometheusSource({
      url: 'http://prom:9090',
      podLabel: 'pod',
      namespaceLabel: 'namespace',
      fetch: () => Promise.resolve(new Response('{"status":"error"}')),
    });
    const [a] = await source.read(pods.slice(0, 1), new AbortController().signal);
    expect(a.errors).toEqual([
      'Prometheus query: unexpected answer',
      'Prometheus query: unexpected answer',
    ]);
  });
});
