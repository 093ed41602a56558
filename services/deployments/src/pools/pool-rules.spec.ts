import { describe, expect, it } from 'vitest';
import { BUILT_IN_CATALOG } from '../catalog/built-in-catalog.js';
import { checkPoolFields, isQualifiedName } from './pool-rules.js';

const fields = (body: Record<string, unknown>) =>
  checkPoolFields(body, BUILT_IN_CATALOG).problems.map((p) => p.field);

describe('pool rules', () => {
  it('accepts a full, valid pool and returns its values', () => {
    const { value, problems } = checkPoolFields(
      {
        name: 'pool-a',
        description: 'eight NPUs a node',
        region: 'cn-southwest-2',
        node_selector: { 'maas.io/pool': 'pool-a', 'node.kubernetes.io/instance-type': 'snt9b' },
        taint: { key: 'maas.io/pool', value: 'pool-a', effect: 'NoSchedule' },
        npu_resource_name: 'huawei.com/ascend-1980',
        flavors: ['ascend-910b-8', 'ascend-910b-8'],
      },
      BUILT_IN_CATALOG,
    );
    expect(problems).toEqual([]);
    expect(value).toMatchObject({
      npuResourceName: 'huawei.com/ascend-1980',
      flavorIds: ['ascend-910b-8'],
    });
  });

  it('checks only the fields given (updates)', () => {
    expect(checkPoolFields({ description: 'x' }, BUILT_IN_CATALOG)).toEqual({
      value: { description: 'x' },
      problems: [],
    });
    expect(checkPoolFields({ taint: null }, BUILT_IN_CATALOG).value).toEqual({ taint: null });
  });

  it.each([
    [{ name: 'Pool_A' }, 'name'],
    [{ name: 'p-' }, 'name'],
    [{ name: 'p'.repeat(64) }, 'name'],
    [{ description: 'x'.repeat(257) }, 'description'],
    [{ region: 'Mars' }, 'region'],
    [{ node_selector: {} }, 'node_selector'],
    [{ node_selector: ['a'] }, 'node_selector'],
    [{ node_selector: { 'a/b/c': 'x' } }, 'node_selector.a/b/c'],
    [{ node_selector: { k: '' } }, 'node_selector.k'],
    [{ taint: { key: 'k', value: 'v', effect: 'NoSchedule', color: 'red' } }, 'taint.color'],
    [{ taint: { key: 'k', value: 'v' } }, 'taint.effect'],
    [{ npu_resource_name: 'Ascend910' }, 'npu_resource_name'],
    [{ flavors: [] }, 'flavors'],
    [{ flavors: ['ascend-910b-1', 'a100'] }, 'flavors[1]'],
  ])('refuses %j naming %s', (body, field) => {
    expect(fields(body)).toEqual([field]);
  });

  it('knows Kubernetes qualified names', () => {
    expect(isQualifiedName('maas.io/pool')).toBe(true);
    expect(isQualifiedName('pool')).toBe(true);
    expect(isQualifiedName('pool', { prefixRequired: true })).toBe(false);
    expect(isQualifiedName('Huawei.com/x')).toBe(false);
    expect(isQualifiedName('-x')).toBe(false);
  });
});
