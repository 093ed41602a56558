import { type EndpointOverride } from '@maas/config';
import { NPU_METRIC_NAMES, NPU_POD_LABEL, VLLM_METRIC_NAMES } from './metric-names.js';
import { type PodTarget } from './pod-target.js';
import { parsePrometheusText, type Sample } from './prometheus-text.js';
import { type PodSamples } from './usage-figures.js';
import { getText, readFailure, type UsageSource } from './usage-source.js';

export interface ScrapeOptions {
  /** Port of the npu-exporter on each node address (USAGE_NPU_EXPORTER_PORT). */
  readonly npuExporterPort: number;
  readonly override: EndpointOverride;
  readonly fetch?: typeof fetch;
}

type Page = { samples: Sample[] } | { error: string };

/**
 * Reads the figures straight from the exporters, without a Prometheus: the model server's
 * own `/metrics` on each pod (vLLM names) and the npu-exporter of each node the pods run on
 * (one page per node, read once per call), whose chip series name the pod they are
 * allocated to (`namespace`, `pod_name`).
 */
export class ScrapeSource implements UsageSource {
  readonly kind = 'scrape' as const;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly options: ScrapeOptions) {
    this.fetchFn = options.fetch ?? fetch;
  }

  async read(pods: readonly PodTarget[], signal: AbortSignal): Promise<PodSamples[]> {
    const hosts = [...new Set(pods.flatMap((p) => (p.hostIp ? [p.hostIp] : [])))];
    const [nodePages, serverPages] = await Promise.all([
      Promise.all(
        hosts.map((ip) =>
          this.page(this.url(ip, this.options.npuExporterPort), NPU_METRIC_NAMES, signal),
        ),
      ),
      Promise.all(
        pods.map((p) =>
          p.podIp && p.port
            ? this.page(this.url(p.podIp, p.port), VLLM_METRIC_NAMES, signal)
            : Promise.resolve<Page>({ error: 'no pod address yet' }),
        ),
      ),
    ]);
    const byHost = new Map(hosts.map((ip, i) => [ip, nodePages[i]]));
    return pods.map((pod, i) => {
      const errors: string[] = [];
      const node = pod.hostIp ? byHost.get(pod.hostIp) : undefined;
      const server = serverPages[i];
      if (node && 'error' in node)
        errors.push(`npu-exporter on ${pod.node ?? pod.hostIp}: ${node.error}`);
      if ('error' in server) errors.push(`model server metrics: ${server.error}`);
      return {
        name: pod.name,
        node: pod.node,
        npu:
          node && 'samples' in node
            ? node.samples.filter(
                (s) =>
                  s.labels[NPU_POD_LABEL.pod] === pod.name &&
                  s.labels[NPU_POD_LABEL.namespace] === pod.namespace,
              )
            : [],
        server: 'samples' in server ? server.samples : [],
        errors,
      };
    });
  }

  private url(address: string, port: number): string {
    const origin =
      this.options.override.originFor(address) ??
      `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
    return `${origin}/metrics`;
  }

  private async page(url: string, names: ReadonlySet<string>, signal: AbortSignal): Promise<Page> {
    try {
      return { samples: parsePrometheusText(await getText(this.fetchFn, url, signal), names) };
    } catch (error) {
      return { error: readFailure('read failed', error).replace(/^read failed: /, '') };
    }
  }
}
