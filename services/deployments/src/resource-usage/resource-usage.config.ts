import { EnvError, makeValidator } from 'envalid';
import { endpointOverride, httpUrl, intBetween, str } from '@maas/config';

export const USAGE_SOURCES = ['none', 'prometheus', 'scrape'] as const;
export type UsageSourceKind = (typeof USAGE_SOURCES)[number];

const usageSource = makeValidator<UsageSourceKind>((input) => {
  const value = input.trim().toLowerCase();
  if ((USAGE_SOURCES as readonly string[]).includes(value)) return value as UsageSourceKind;
  throw new EnvError(`must be one of ${USAGE_SOURCES.join(', ')}`);
});

/**
 * Where the compute and video-memory usage of the service details come from (SPEC §5,
 * seed 002 Table 4-5): the Ascend npu-exporter's and vLLM's Prometheus metrics, read through
 * a Prometheus query API or by scraping the exporters and pods directly.
 */
export const resourceUsageConfig = {
  USAGE_SOURCE: usageSource({
    default: 'none',
    desc:
      'Where service details read NPU and model-server usage: prometheus (USAGE_PROMETHEUS_URL), ' +
      "scrape (each pod's /metrics and its node's npu-exporter), none (usage shown as not measured)",
  }),
  USAGE_PROMETHEUS_URL: httpUrl({
    default: undefined,
    desc: 'Base URL of the Prometheus HTTP API (…/api/v1/query is appended), for USAGE_SOURCE=prometheus',
  }),
  USAGE_PROMETHEUS_POD_LABEL: str({
    default: 'pod',
    desc: "Label carrying the pod name on the model servers' vLLM series in Prometheus (kubernetes_sd relabelling)",
  }),
  USAGE_PROMETHEUS_NAMESPACE_LABEL: str({
    default: 'namespace',
    desc: "Label carrying the namespace on the model servers' vLLM series in Prometheus",
  }),
  USAGE_NPU_EXPORTER_PORT: intBetween(
    1,
    65_535,
  )({
    default: 8082,
    desc: "Port of the npu-exporter on each node's address (hostNetwork/hostPort DaemonSet), for USAGE_SOURCE=scrape",
  }),
  USAGE_ENDPOINT_OVERRIDE: endpointOverride({
    default: '',
    desc:
      'For USAGE_SOURCE=scrape: pod/node addresses to read metrics from elsewhere, same syntax as the ' +
      "gateway's ENDPOINT_OVERRIDE (the local stack: the simulators' metrics endpoints); empty in production",
  }),
  USAGE_TIMEOUT_MS: intBetween(
    50,
    30_000,
  )({
    default: 1_000,
    desc: 'Longest a service details call waits for usage figures; slower sources answer with a note instead',
  }),
  USAGE_CACHE_MS: intBetween(
    0,
    600_000,
  )({
    default: 2_000,
    desc: "How long one service's usage figures are reused (0: read on every details call)",
  }),
};
