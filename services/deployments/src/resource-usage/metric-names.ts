/**
 * The metric names we read (Prometheus text format).
 *
 * Ascend MindCluster npu-exporter (a DaemonSet, one page per node, one series per NPU chip,
 * labelled `id` and — when the chip is allocated to a container — `namespace`, `pod_name`,
 * `container_name`):
 * - `npu_chip_info_utilization`: AI Core utilization of the chip, percent (0–100);
 * - `npu_chip_info_hbm_used_memory` / `npu_chip_info_hbm_total_memory`: HBM (the NPU's video
 *   memory) used and total, MB.
 * A value the driver could not read comes as a negative number (DCMI's error value): skipped.
 *
 * vLLM (the model server's own `/metrics`, one series per engine, label `model_name`):
 * - `vllm:num_requests_running`, `vllm:num_requests_waiting`: requests in the batch / queued;
 * - `vllm:kv_cache_usage_perc` (vLLM ≥ 0.10; `vllm:gpu_cache_usage_perc` before, still read
 *   as a fallback): KV-cache blocks in use, 0–1.
 */
export const NPU_METRIC = {
  utilization: 'npu_chip_info_utilization',
  hbmUsed: 'npu_chip_info_hbm_used_memory',
  hbmTotal: 'npu_chip_info_hbm_total_memory',
} as const;

export const VLLM_METRIC = {
  running: 'vllm:num_requests_running',
  waiting: 'vllm:num_requests_waiting',
  kvCache: 'vllm:kv_cache_usage_perc',
  kvCacheLegacy: 'vllm:gpu_cache_usage_perc',
} as const;

/** The npu-exporter's labels that tie a chip to the pod it is allocated to. */
export const NPU_POD_LABEL = { namespace: 'namespace', pod: 'pod_name', chip: 'id' } as const;

export const NPU_METRIC_NAMES: ReadonlySet<string> = new Set(Object.values(NPU_METRIC));
export const VLLM_METRIC_NAMES: ReadonlySet<string> = new Set(Object.values(VLLM_METRIC));
