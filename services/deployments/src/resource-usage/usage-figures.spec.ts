import { describe, expect, it } from 'vitest';
import { type Sample } from './prometheus-text.js';
import { instanceUsage, type PodSamples, usageTotals } from './usage-figures.js';

const chip = (id: string, util: number, used: number, total = 65_536): Sample[] => [
  { name: 'npu_chip_info_utilization', labels: { id }, value: util },
  { name: 'npu_chip_info_hbm_used_memory', labels: { id }, value: used },
  { name: 'npu_chip_info_hbm_total_memory', labels: { id }, value: total },
];
const vllm = (running: number, waiting: number, kv: number, kvName = 'vllm:kv_cache_usage_perc') =>
  [
    { name: 'vllm:num_requests_running', labels: {}, value: running },
    { name: 'vllm:num_requests_waiting', labels: {}, value: waiting },
    { name: kvName, labels: {}, value: kv },
  ] satisfies Sample[];

const pod = (name: string, npu: Sample[], server: Sample[], errors: string[] = []): PodSamples => ({
  name,
  node: 'node-1',
  npu,
  server,
  errors,
});

describe('instanceUsage', () => {
  it('averages AI Core utilization over chips and pools HBM', () => {
    const usage = instanceUsage(
      pod('p0', [...chip('0', 50, 32_768), ...chip('1', 100, 65_536)], vllm(3, 1, 0.5)),
    );
    expect(usage).toEqual({
      name: 'p0',
      node: 'node-1',
      npus: 2,
      compute_usage: 0.75,
      memory_usage: 0.75,
      memory_used_mb: 98_304,
      memory_total_mb: 131_072,
      running_requests: 3,
      waiting_requests: 1,
      kv_cache_usage: 0.5,
      note: null,
    });
  });

  it("skips the driver's error values and reads vLLM's legacy KV-cache name", () => {
    const usage = instanceUsage(
      pod(
        'p0',
        [...chip('0', -1, -1), ...chip('1', 20, 1000, 2000)],
        vllm(0, 0, 0.1, 'vllm:gpu_cache_usage_perc'),
      ),
    );
    expect(usage).toMatchObject({
      npus: 2,
      compute_usage: 0.2,
      memory_usage: 0.5,
      kv_cache_usage: 0.1,
    });
  });

  it('says which figures are missing and why', () => {
    expect(instanceUsage(pod('p0', [], [])).note).toBe(
      'no npu-exporter series for this pod (NPU figures unknown); ' +
        'no vLLM series from the model server (request figures unknown)',
    );
    const failed = instanceUsage(pod('p0', [], [], ['model server metrics: no answer in time']));
    expect(failed).toMatchObject({ compute_usage: null, running_requests: null });
    expect(failed.note).toBe('model server metrics: no answer in time');
  });
});

describe('usageTotals', () => {
  it('pools chips over instances and sums requests', () => {
    const totals = usageTotals([
      pod('p0', chip('0', 10, 16_384), vllm(1, 0, 0.2)),
      pod('p1', chip('0', 30, 49_152), vllm(4, 2, 0.4)),
    ]);
    expect(totals).toEqual({
      compute_usage: 0.2,
      memory_usage: 0.5,
      memory_used_mb: 65_536,
      memory_total_mb: 131_072,
      running_requests: 5,
      waiting_requests: 2,
      kv_cache_usage: 0.3,
    });
  });

  it('is all null without samples', () => {
    expect(Object.values(usageTotals([pod('p0', [], [])])).every((v) => v === null)).toBe(true);
  });
});
