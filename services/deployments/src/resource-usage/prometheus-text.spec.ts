import { describe, expect, it } from 'vitest';
import { parsePrometheusText } from './prometheus-text.js';

// Lines as the Ascend npu-exporter (MindCluster docs, "Prometheus Metrics接口") and vLLM print them.
const page = [
  '# HELP npu_chip_info_utilization the ai core utilization',
  '# TYPE npu_chip_info_utilization gauge',
  'npu_chip_info_utilization{container_name="model-server",id="0",model_name="910B3",namespace="ns-1",pcie_bus_info="0000:61:00.0",pod_name="svc-abc-0",vdie_id="X"} 37 1723621883587',
  'npu_chip_info_hbm_used_memory{id="1",namespace="",pod_name=""} 3215',
  'vllm:num_requests_running{engine="0",model_name="sim-model"} 2.0',
  'vllm:kv_cache_usage_perc{model_name="a \\"quoted\\" name"} 0.25',
  'machine_npu_nums 8',
  'garbage line without value',
  'npu_chip_info_utilization{id="2"} NaN',
  '',
].join('\n');

const names = new Set([
  'npu_chip_info_utilization',
  'npu_chip_info_hbm_used_memory',
  'vllm:num_requests_running',
  'vllm:kv_cache_usage_perc',
]);

describe('parsePrometheusText', () => {
  it('keeps the named samples with their labels, values and colons in names', () => {
    const samples = parsePrometheusText(page, names);
    expect(samples).toEqual([
      {
        name: 'npu_chip_info_utilization',
        labels: {
          container_name: 'model-server',
          id: '0',
          model_name: '910B3',
          namespace: 'ns-1',
          pcie_bus_info: '0000:61:00.0',
          pod_name: 'svc-abc-0',
          vdie_id: 'X',
        },
        value: 37,
      },
      {
        name: 'npu_chip_info_hbm_used_memory',
        labels: { id: '1', namespace: '', pod_name: '' },
        value: 3215,
      },
      {
        name: 'vllm:num_requests_running',
        labels: { engine: '0', model_name: 'sim-model' },
        value: 2,
      },
      {
        name: 'vllm:kv_cache_usage_perc',
        labels: { model_name: 'a "quoted" name' },
        value: 0.25,
      },
    ]);
  });

  it('skips unnamed metrics, comments, garbage and non-finite values', () => {
    expect(parsePrometheusText(page, new Set(['machine_npu_nums']))).toEqual([
      { name: 'machine_npu_nums', labels: {}, value: 8 },
    ]);
    expect(parsePrometheusText('x{a="1" 3\n', new Set(['x']))).toEqual([]);
  });
});
