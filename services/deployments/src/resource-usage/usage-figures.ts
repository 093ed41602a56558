import { type InstanceUsage, type UsageTotals } from '../model-services/service-usage.port.js';
import { NPU_METRIC, NPU_POD_LABEL, VLLM_METRIC } from './metric-names.js';
import { type Sample } from './prometheus-text.js';

/** What a source read for one pod: the npu-exporter's chips and the model server's series. */
export interface PodSamples {
  readonly name: string;
  readonly node: string | null;
  readonly npu: readonly Sample[];
  readonly server: readonly Sample[];
  /** Why a source could not be read for this pod, if so. */
  readonly errors: readonly string[];
}

interface Chip {
  utilization?: number;
  used?: number;
  total?: number;
}

/** Per-chip figures from the npu-exporter's series (one series per chip and metric). */
function chipsOf(samples: readonly Sample[]): Chip[] {
  const chips = new Map<string, Chip>();
  for (const s of samples) {
    if (s.value < 0) continue; // DCMI's error value: the driver could not read it
    const id = s.labels[NPU_POD_LABEL.chip] ?? '';
    const chip = chips.get(id) ?? {};
    if (s.name === NPU_METRIC.utilization) chip.utilization = Math.min(s.value, 100) / 100;
    else if (s.name === NPU_METRIC.hbmUsed) chip.used = s.value;
    else if (s.name === NPU_METRIC.hbmTotal) chip.total = s.value;
    chips.set(id, chip);
  }
  return [...chips.values()];
}

const round = (n: number) => Math.round(n * 10_000) / 10_000;

function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : round(values.reduce((a, b) => a + b, 0) / values.length);
}

function sum(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0);
}

function memoryOf(chips: readonly Chip[]) {
  const both = chips.filter(
    (c): c is Required<Pick<Chip, 'used' | 'total'>> & Chip =>
      c.used !== undefined && c.total !== undefined && c.total > 0,
  );
  const used = sum(both.map((c) => c.used));
  const total = sum(both.map((c) => c.total));
  return {
    memory_used_mb: used,
    memory_total_mb: total,
    memory_usage: used !== null && total ? round(Math.min(used / total, 1)) : null,
  };
}

function valuesOf(samples: readonly Sample[], name: string): number[] {
  return samples.filter((s) => s.name === name && s.value >= 0).map((s) => s.value);
}

function serverFigures(samples: readonly Sample[]) {
  const kv = valuesOf(samples, VLLM_METRIC.kvCache);
  return {
    running_requests: sum(valuesOf(samples, VLLM_METRIC.running)),
    waiting_requests: sum(valuesOf(samples, VLLM_METRIC.waiting)),
    kv_cache_usage: mean(kv.length > 0 ? kv : valuesOf(samples, VLLM_METRIC.kvCacheLegacy)),
  };
}

/** One instance's figures from what was read for its pod. */
export function instanceUsage(pod: PodSamples): InstanceUsage {
  const chips = chipsOf(pod.npu);
  const utilizations = chips.flatMap((c) => (c.utilization === undefined ? [] : [c.utilization]));
  const server = serverFigures(pod.server);
  const notes = [...pod.errors];
  if (chips.length === 0 && pod.errors.length === 0)
    notes.push('no npu-exporter series for this pod (NPU figures unknown)');
  if (server.running_requests === null && pod.errors.length === 0)
    notes.push('no vLLM series from the model server (request figures unknown)');
  return {
    name: pod.name,
    node: pod.node,
    npus: chips.length,
    compute_usage: mean(utilizations),
    ...memoryOf(chips),
    ...server,
    note: notes.length === 0 ? null : notes.join('; '),
  };
}

export function usageTotals(pods: readonly PodSamples[]): UsageTotals {
  const chips = pods.flatMap((p) => chipsOf(p.npu));
  const servers = pods.map((p) => serverFigures(p.server));
  const pick = <K extends keyof ReturnType<typeof serverFigures>>(key: K) =>
    servers.flatMap((s) => (s[key] === null ? [] : [s[key]]));
  return {
    compute_usage: mean(chips.flatMap((c) => (c.utilization === undefined ? [] : [c.utilization]))),
    ...memoryOf(chips),
    running_requests: sum(pick('running_requests')),
    waiting_requests: sum(pick('waiting_requests')),
    kv_cache_usage: mean(pick('kv_cache_usage')),
  };
}
