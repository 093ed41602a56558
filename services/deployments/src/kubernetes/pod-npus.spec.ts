import { type V1Node, type V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  allocatableNpus,
  isNodeReady,
  isNonTerminated,
  labelSelector,
  podNpuRequest,
} from './pod-npus.js';
import { parseQuantity } from './quantity.js';

const NPU = 'huawei.com/Ascend910';

function pod(containers: string[], init: string[] = [], phase = 'Running'): V1Pod {
  const c = (npus: string, i: number) => ({
    name: `c${i}`,
    resources: npus ? { requests: { [NPU]: npus } } : {},
  });
  return {
    spec: { containers: containers.map(c), initContainers: init.map(c) },
    status: { phase },
  };
}

describe('quantities', () => {
  it.each([
    ['8', 8],
    ['500m', 0.5],
    ['1k', 1000],
    ['1Ki', 1024],
    ['2e1', 20],
  ])('%s = %s', (q, n) => expect(parseQuantity(q)).toBe(n));

  it('is NaN for garbage, 0 when absent', () => {
    expect(parseQuantity('eight')).toBeNaN();
    expect(parseQuantity(undefined)).toBe(0);
  });
});

describe('NPU requests of a pod', () => {
  it('sums containers and takes init containers as the scheduler does', () => {
    expect(podNpuRequest(pod(['2', '3']), NPU)).toBe(5);
    expect(podNpuRequest(pod(['2'], ['8', '1']), NPU)).toBe(8);
    expect(podNpuRequest(pod(['', 'x']), NPU)).toBe(0);
  });

  it('counts only non-terminated pods', () => {
    expect(isNonTerminated(pod([], [], 'Pending'))).toBe(true);
    expect(isNonTerminated(pod([], [], 'Succeeded'))).toBe(false);
    expect(isNonTerminated(pod([], [], 'Failed'))).toBe(false);
  });
});

describe('nodes', () => {
  const node = (ready: string, npus?: string) =>
    ({
      status: {
        conditions: [{ type: 'Ready', status: ready }],
        allocatable: npus === undefined ? {} : { [NPU]: npus },
      },
    }) as V1Node;

  it('reads readiness and allocatable NPUs', () => {
    expect(isNodeReady(node('True'))).toBe(true);
    expect(isNodeReady(node('Unknown'))).toBe(false);
    expect(allocatableNpus(node('True', '8'), NPU)).toBe(8);
    expect(allocatableNpus(node('True'), NPU)).toBe(0);
  });

  it('builds an equality label selector', () => {
    expect(labelSelector({ 'maas.io/pool': 'a', zone: 'z1' })).toBe('maas.io/pool=a,zone=z1');
  });
});
