import { NPU_METRIC_NAMES, NPU_POD_LABEL, VLLM_METRIC_NAMES } from './metric-names.js';
import { type PodTarget } from './pod-target.js';
import { type Sample } from './prometheus-text.js';
import { type PodSamples } from './usage-figures.js';
import { getText, readFailure, type UsageSource } from './usage-source.js';

export interface PrometheusOptions {
  /** Base URL of the Prometheus HTTP API (USAGE_PROMETHEUS_URL). */
  readonly url: string;
  /** Labels carrying the pod and namespace on the vLLM series (the scrape config's relabelling). */
  readonly podLabel: string;
  readonly namespaceLabel: string;
  readonly fetch?: typeof fetch;
}

interface QueryAnswer {
  status?: string;
  data?: { resultType?: string; result?: { metric?: Record<string, string>; value?: unknown[] }[] };
}

/** A PromQL string literal (double-quoted, backslash and quote escaped). */
const quote = (s: string) => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
/** A regex alternative matching exactly these names (RE2: escape its metacharacters). */
const oneOf = (names: Iterable<string>) =>
  quote([...names].map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'));

/**
 * Reads the figures from a Prometheus that scrapes the npu-exporter (with `honor_labels`,
 * so its `namespace`/`pod_name` chip labels survive) and the model servers: two instant
 * queries per call (`GET /api/v1/query`), one for the chips, one for the vLLM series.
 */
export class PrometheusSource implements UsageSource {
  readonly kind = 'prometheus' as const;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly options: PrometheusOptions) {
    this.fetchFn = options.fetch ?? fetch;
  }

  async read(pods: readonly PodTarget[], signal: AbortSignal): Promise<PodSamples[]> {
    if (pods.length === 0) return [];
    const namespace = pods[0].namespace;
    const names = pods.map((p) => p.name);
    const { podLabel, namespaceLabel } = this.options;
    const [npu, server] = await Promise.all([
      this.query(
        `{__name__=~${oneOf(NPU_METRIC_NAMES)},${NPU_POD_LABEL.namespace}=${quote(namespace)},` +
          `${NPU_POD_LABEL.pod}=~${oneOf(names)}}`,
        signal,
      ),
      this.query(
        `{__name__=~${oneOf(VLLM_METRIC_NAMES)},${namespaceLabel}=${quote(namespace)},` +
          `${podLabel}=~${oneOf(names)}}`,
        signal,
      ),
    ]);
    return pods.map((pod) => ({
      name: pod.name,
      node: pod.node,
      npu:
        'samples' in npu ? npu.samples.filter((s) => s.labels[NPU_POD_LABEL.pod] === pod.name) : [],
      server:
        'samples' in server ? server.samples.filter((s) => s.labels[podLabel] === pod.name) : [],
      errors: [npu, server].flatMap((r) => ('error' in r ? [r.error] : [])),
    }));
  }

  private async query(
    promql: string,
    signal: AbortSignal,
  ): Promise<{ samples: Sample[] } | { error: string }> {
    const url = `${this.options.url.replace(/\/+$/, '')}/api/v1/query?query=${encodeURIComponent(promql)}`;
    try {
      return {
        samples: samplesOf(JSON.parse(await getText(this.fetchFn, url, signal)) as QueryAnswer),
      };
    } catch (error) {
      return { error: readFailure('Prometheus query', error) };
    }
  }
}

/** The samples of an instant-vector answer; anything else is an error. */
export function samplesOf(answer: QueryAnswer): Sample[] {
  if (answer.status !== 'success' || answer.data?.resultType !== 'vector')
    throw new Error('not an instant vector answer');
  return (answer.data.result ?? []).flatMap(({ metric = {}, value = [] }) => {
    const v = Number(value[1]);
    const { __name__: name, ...labels } = metric;
    return name && Number.isFinite(v) ? [{ name, labels, value: v }] : [];
  });
}
