import { type V1Node, type V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { nodesOfPool, reservations } from './pool-nodes.js';

const node = (name: string, labels: Record<string, string>): V1Node => ({
  metadata: { name, labels },
});
const pod = (nodeName?: string, phase = 'Running', deleting = false): V1Pod => ({
  metadata: deleting ? { deletionTimestamp: new Date() } : {},
  spec: { containers: [], ...(nodeName ? { nodeName } : {}) },
  status: { phase },
});

describe('nodesOfPool', () => {
  const acc = 'acc-1';
  it("keeps the nodes matching every label of the pool's selector", () => {
    const mine = { 'maas.io/account': acc };
    const nodes = [
      node('a', { 'maas.io/pool': 'p', zone: '1', ...mine }),
      node('b', { 'maas.io/pool': 'p', zone: '2', ...mine }),
      node('c', { 'maas.io/pool': 'q', zone: '1', ...mine }),
    ];
    expect(
      nodesOfPool(nodes, { nodeSelector: { 'maas.io/pool': 'p' }, accountId: acc }).map(
        (n) => n.metadata?.name,
      ),
    ).toEqual(['a', 'b']);
    expect(
      nodesOfPool(nodes, { nodeSelector: { 'maas.io/pool': 'p', zone: '1' }, accountId: acc }).map(
        (n) => n.metadata?.name,
      ),
    ).toEqual(['a']);
  });

  it('never keeps a node of another account or an unassigned one, whatever the selector', () => {
    const nodes = [
      node('mine', { 'maas.io/pool': 'p', 'maas.io/account': acc }),
      node('theirs', { 'maas.io/pool': 'p', 'maas.io/account': 'acc-2' }),
      node('unassigned', { 'maas.io/pool': 'p' }),
    ];
    const names = (nodeSelector: Record<string, string>) =>
      nodesOfPool(nodes, { nodeSelector, accountId: acc }).map((n) => n.metadata?.name);
    expect(names({ 'maas.io/pool': 'p' })).toEqual(['mine']);
    expect(names({ 'maas.io/pool': 'p', 'maas.io/account': 'acc-2' })).toEqual(['mine']);
  });
});

describe('reservations', () => {
  const admitted = (
    id: string,
    state: 'deploying' | 'upgrading' | 'running',
    instances: number,
  ) => ({
    id,
    state,
    instances,
    npusPerInstance: 4,
    nodesPerInstance: 1,
  });

  it('reserves what admitted services still miss: desired pods minus live bound ones', () => {
    const pods: Record<string, V1Pod[]> = {
      fresh: [],
      half: [pod('n1'), pod(undefined, 'Pending')],
      done: [pod('n1'), pod('n2')],
      crashed: [pod('n1', 'Failed'), pod('n2', 'Running', true)],
    };
    const demands = reservations(
      [
        admitted('fresh', 'deploying', 2),
        admitted('half', 'deploying', 2),
        admitted('done', 'running', 2),
        admitted('crashed', 'running', 1),
      ],
      (id) => pods[id],
    );
    expect(demands).toEqual([
      { instances: 2, npusPerInstance: 4, nodesPerInstance: 1 },
      { instances: 1, npusPerInstance: 4, nodesPerInstance: 1 },
      { instances: 1, npusPerInstance: 4, nodesPerInstance: 1 },
    ]);
  });

  it("keeps room for an upgrade's surge instance", () => {
    expect(reservations([admitted('u', 'upgrading', 2)], () => [pod('n1'), pod('n2')])).toEqual([
      { instances: 1, npusPerInstance: 4, nodesPerInstance: 1 },
    ]);
  });
});

describe('reservations of instance groups', () => {
  const member = (group: number, nodeName?: string): V1Pod => ({
    metadata: { labels: { 'maas.io/group': String(group) } },
    spec: { containers: [], ...(nodeName ? { nodeName } : {}) },
    status: { phase: nodeName ? 'Running' : 'Pending' },
  });
  const r1 = (instances: number, state: 'deploying' | 'upgrading' = 'deploying') => ({
    id: 'r1',
    state,
    instances,
    npusPerInstance: 16,
    nodesPerInstance: 2,
  });

  it('reserves whole groups for groups with no member bound, members for the others', () => {
    expect(reservations([r1(3)], () => [member(0, 'a'), member(0, 'b'), member(1, 'c')])).toEqual([
      { instances: 1, npusPerInstance: 16, nodesPerInstance: 2 },
      { instances: 1, npusPerInstance: 8, nodesPerInstance: 1 },
    ]);
  });

  it('reserves no surge group while groups upgrade without a stand-in', () => {
    expect(reservations([r1(1, 'upgrading')], () => [member(0, 'a'), member(0, 'b')])).toEqual([]);
  });

  it("reserves an upgrade's stand-in group (index = instances) until its members are bound", () => {
    const created = [member(0, 'a'), member(0, 'b'), member(1), member(1)];
    expect(reservations([r1(1, 'upgrading')], () => created)).toEqual([
      { instances: 1, npusPerInstance: 16, nodesPerInstance: 2 },
    ]);
    const bound = [member(0, 'a'), member(0, 'b'), member(1, 'c'), member(1, 'd')];
    expect(reservations([r1(1, 'upgrading')], () => bound)).toEqual([]);
  });

  it("reserves nothing for a scale-in's groups whose members are being deleted", () => {
    const leaving: V1Pod = {
      ...member(1),
      metadata: { ...member(1).metadata, deletionTimestamp: new Date() },
    };
    expect(reservations([r1(1)], () => [member(0, 'a'), member(0, 'b'), leaving])).toEqual([]);
  });
});
