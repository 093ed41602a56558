/**
 * The port through which service details get live resource usage (SPEC §5, seed 002
 * Table 4-5: compute usage, video memory usage). The resource-usage folder implements it
 * (Prometheus-format metrics of the Ascend npu-exporter and the model server) and provides it
 * globally; without a provider, usage is "not measured".
 */
export const SERVICE_USAGE_READER = Symbol('SERVICE_USAGE_READER');

/** The figures of one instance (pod) of a service. */
export interface InstanceUsage {
  readonly name: string;
  readonly node: string | null;
  /** NPU chips the npu-exporter attributes to the pod. */
  readonly npus: number;
  /** Mean AI Core utilization of its chips, 0–1. */
  readonly compute_usage: number | null;
  /** HBM (video memory) used / total over its chips, 0–1. */
  readonly memory_usage: number | null;
  readonly memory_used_mb: number | null;
  readonly memory_total_mb: number | null;
  readonly running_requests: number | null;
  readonly waiting_requests: number | null;
  /** The model server's KV-cache usage, 0–1. */
  readonly kv_cache_usage: number | null;
  /** Why some figures of this instance are missing (null when it has them all). */
  readonly note: string | null;
}

/** The service's figures: chips pooled over all instances, requests summed. */
export interface UsageTotals {
  readonly compute_usage: number | null;
  readonly memory_usage: number | null;
  readonly memory_used_mb: number | null;
  readonly memory_total_mb: number | null;
  readonly running_requests: number | null;
  readonly waiting_requests: number | null;
  readonly kv_cache_usage: number | null;
}

/** The usage figures of one service at one moment. */
export interface ServiceUsage extends UsageTotals {
  /** prometheus or scrape; null when no source is configured. */
  readonly source: 'prometheus' | 'scrape' | null;
  readonly instances: readonly InstanceUsage[];
  /** Why figures are missing (not measured, a source that failed, no running instance). */
  readonly note: string | null;
  readonly observedAt: Date | null;
}

export interface ServiceUsageReader {
  /** Whether a source is configured (figures are read on the details call only). */
  readonly measured: boolean;
  read(service: { readonly id: string; readonly k8sNamespace: string }): Promise<ServiceUsage>;
}
