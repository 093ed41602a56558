import { describe, expect, it } from 'vitest';
import { type Demand, type FreeNpus, type NodeNpus } from './admission.types.js';
import { fifo, planAdmission, type QueuedService } from './admission-plan.js';
import { npusNeeded } from './npu-demand.js';
import { outstandingDemand } from './outstanding-demand.js';
import { canPlace, fits, placeInstances } from './placement.js';
import { poolCapacity } from './pool-capacity.js';

const node = (name: string, requested = 0, allocatable = 8, ready = true): NodeNpus => ({
  name,
  ready,
  allocatable,
  requested,
});

const single = (npus: number, instances = 1): Demand => ({
  npusPerInstance: npus,
  nodesPerInstance: 1,
  instances,
});
const multi = (nodesPerInstance: number, instances = 1): Demand => ({
  npusPerInstance: 8 * nodesPerInstance,
  nodesPerInstance,
  instances,
});

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));
const queued = (id: string, minute: number, demand: Demand): QueuedService => ({
  id,
  queuedAt: at(minute),
  demand,
});

/** The four 8-NPU nodes of the local stack's pool-a. */
const poolA = (requested: number[] = [0, 0, 0, 0]) =>
  requested.map((r, i) => node(`pool-a-node-${i}`, r));

describe('NPUs needed', () => {
  it('is instances × NPUs per instance', () => {
    expect(npusNeeded(single(8, 3))).toBe(24);
    expect(npusNeeded(multi(2, 2))).toBe(32);
    expect(npusNeeded(single(1, 0))).toBe(0);
  });
});

describe('pool capacity', () => {
  it('is the allocatable NPUs of Ready nodes minus what pods request', () => {
    expect(poolCapacity(poolA([8, 3, 0, 0]))).toEqual({
      capacity: 32,
      requested: 11,
      free: 21,
      readyNodes: 4,
      totalNodes: 4,
    });
  });

  it('ignores NotReady nodes', () => {
    const capacity = poolCapacity([node('a'), node('b', 2, 8, false)]);
    expect(capacity).toMatchObject({ capacity: 8, free: 8, readyNodes: 1, totalNodes: 2 });
  });

  it('never counts negative free NPUs on an over-requested node', () => {
    expect(poolCapacity([node('a', 10), node('b', 2)])).toMatchObject({ capacity: 16, free: 6 });
  });

  it('is empty for a pool without nodes', () => {
    expect(poolCapacity([])).toEqual({
      capacity: 0,
      requested: 0,
      free: 0,
      readyNodes: 0,
      totalNodes: 0,
    });
  });
});

describe('fits: an instance must fit on one node', () => {
  it('needs a node with 8 free NPUs for an 8-NPU instance, whatever the total', () => {
    const nodes = poolA([4, 4, 4, 4]); // 16 free, none with 8
    expect(poolCapacity(nodes).free).toBe(16);
    expect(fits(nodes, single(8))).toBe(false);
    expect(fits(nodes, single(4, 4))).toBe(true);
    expect(fits(nodes, single(4, 5))).toBe(false);
  });

  it('counts the instances a node can hold', () => {
    expect(fits(poolA([0, 8, 8, 8]), single(2, 4))).toBe(true);
    expect(fits(poolA([1, 8, 8, 8]), single(2, 4))).toBe(false); // 7 free hold 3 of 2
    expect(fits(poolA([0, 0, 8, 8]), single(8, 2))).toBe(true);
    expect(fits(poolA([0, 0, 8, 8]), single(8, 3))).toBe(false);
  });

  it('places a multi-node instance on distinct nodes with 8 free each', () => {
    expect(fits(poolA([0, 0, 8, 8]), multi(2))).toBe(true);
    expect(fits(poolA([0, 8, 8, 8]), multi(2))).toBe(false);
    expect(fits(poolA(), multi(2, 2))).toBe(true);
    expect(fits(poolA(), multi(4))).toBe(true);
    expect(fits(poolA(), multi(4, 2))).toBe(false);
    // One 16-NPU node still cannot hold both pods of one instance.
    expect(fits([node('big', 0, 16)], multi(2))).toBe(false);
    expect(fits([node('big', 0, 16), node('small')], multi(2, 1))).toBe(true);
  });

  it('fits nothing into a pool without Ready nodes, and an empty demand anywhere', () => {
    expect(fits([node('a', 0, 8, false)], single(1))).toBe(false);
    expect(fits([], single(1, 0))).toBe(true);
  });
});

describe('placeInstances', () => {
  it('spreads instances over the roomiest nodes (ties by name)', () => {
    const free: FreeNpus = new Map([
      ['b', 8],
      ['a', 8],
      ['c', 4],
    ]);
    const placement = placeInstances(free, single(4, 3));
    expect(placement.placed).toBe(true);
    expect(placement.instances).toEqual([['a'], ['b'], ['a']]);
    expect([...placement.free]).toEqual([
      ['b', 4],
      ['a', 0],
      ['c', 4],
    ]);
  });

  it('takes nothing for the instances that do not fit', () => {
    const placement = placeInstances(new Map([['a', 8]]), single(8, 2));
    expect(placement.placed).toBe(false);
    expect(placement.instances).toEqual([['a']]);
  });

  it('finds a placement exactly when canPlace says one exists', () => {
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    for (let trial = 0; trial < 2000; trial++) {
      const free = new Map(
        Array.from({ length: 1 + random(6) }, (_, i) => [`n${i}`, random(17)] as const),
      );
      const perNode = [1, 2, 4, 8][random(4)];
      const nodesPerInstance = 1 + random(3);
      const demand: Demand = {
        npusPerInstance: perNode * nodesPerInstance,
        nodesPerInstance,
        instances: random(6),
      };
      const placement = placeInstances(free, demand);
      expect(placement.placed, JSON.stringify({ free: [...free], demand })).toBe(
        canPlace(free, demand),
      );
      for (const nodes of placement.instances) expect(new Set(nodes).size).toBe(nodesPerInstance);
      for (const npus of placement.free.values()) expect(npus).toBeGreaterThanOrEqual(0);
    }
  });
});

describe('FIFO admission per pool', () => {
  it('orders the queue by time queued, then id', () => {
    const queue = [queued('c', 2, single(1)), queued('b', 1, single(1)), queued('a', 2, single(1))];
    expect(fifo(queue).map((s) => s.id)).toEqual(['b', 'a', 'c']);
  });

  it('admits in order while services fit', () => {
    const plan = planAdmission({
      nodes: poolA(),
      reserved: [],
      queue: [
        queued('second', 2, single(8, 2)),
        queued('first', 1, single(8, 2)),
        queued('third', 3, single(1)),
      ],
    });
    expect(plan).toEqual({
      admitted: ['first', 'second'],
      waiting: [{ id: 'third', position: 1, reason: 'insufficient_capacity' }],
    });
  });

  it('blocks everything behind a head that does not fit yet (strict FIFO)', () => {
    const plan = planAdmission({
      nodes: poolA([8, 8, 4, 0]), // 12 free: one 8-NPU instance, not two
      reserved: [],
      queue: [queued('big', 1, single(8, 2)), queued('small', 2, single(1))],
    });
    expect(plan).toEqual({
      admitted: [],
      waiting: [
        { id: 'big', position: 1, reason: 'insufficient_capacity' },
        { id: 'small', position: 2, reason: 'behind_head' },
      ],
    });
  });

  it('does not let a service larger than the whole pool block the queue', () => {
    const plan = planAdmission({
      nodes: poolA(),
      reserved: [],
      queue: [
        queued('huge', 1, single(8, 5)),
        queued('r1', 2, multi(2)),
        queued('small', 3, single(8)),
      ],
    });
    expect(plan).toEqual({
      admitted: ['r1', 'small'],
      waiting: [{ id: 'huge', position: 1, reason: 'exceeds_pool' }],
    });
  });

  it('judges "larger than the pool" on Ready nodes only', () => {
    const nodes = [...poolA().slice(0, 3), node('pool-a-node-3', 0, 8, false)];
    const plan = planAdmission({ nodes, reserved: [], queue: [queued('four', 1, single(8, 4))] });
    expect(plan.waiting).toEqual([{ id: 'four', position: 1, reason: 'exceeds_pool' }]);
  });

  it('sets aside admitted instances whose pods are not bound yet', () => {
    const plan = planAdmission({
      nodes: poolA(),
      reserved: [single(8, 3)], // admitted in the last pass, pods still pending
      queue: [queued('a', 1, single(8)), queued('b', 2, single(8))],
    });
    expect(plan.admitted).toEqual(['a']);
    expect(plan.waiting).toEqual([{ id: 'b', position: 1, reason: 'insufficient_capacity' }]);
  });

  it('admits a waiting service once the first one stops and its pods are gone', () => {
    const queue = [queued('second', 2, single(8, 4))];
    const running = planAdmission({ nodes: poolA([8, 8, 0, 0]), reserved: [], queue });
    expect(running.admitted).toEqual([]);
    const afterStop = planAdmission({ nodes: poolA(), reserved: [], queue });
    expect(afterStop.admitted).toEqual(['second']);
  });

  it('does nothing for an empty queue', () => {
    expect(planAdmission({ nodes: poolA(), reserved: [], queue: [] })).toEqual({
      admitted: [],
      waiting: [],
    });
  });
});

describe('gang admission of instance groups', () => {
  const r1 = (instances = 1) => multi(2, instances); // DeepSeek-R1 on 2 × 8
  const v3 = (instances = 1) => multi(4, instances); // DeepSeek-V3 on 4 × 8

  it('admits a group only when all its servers are free at once; the next one waits', () => {
    // Room for 1.5 groups of 2 × 8: three empty servers (the fourth is taken).
    const plan = planAdmission({
      nodes: poolA([8, 0, 0, 0]),
      reserved: [],
      queue: [queued('first', 1, r1()), queued('second', 2, r1())],
    });
    expect(plan).toEqual({
      admitted: ['first'],
      waiting: [{ id: 'second', position: 1, reason: 'insufficient_capacity' }],
    });
  });

  it('does not let a single-server service jump a queued group (FIFO stays honest)', () => {
    const plan = planAdmission({
      nodes: poolA([8, 0, 0, 0]),
      reserved: [],
      queue: [queued('first', 1, r1()), queued('group', 2, r1()), queued('small', 3, single(8))],
    });
    // One whole server is still free after 'first', enough for 'small', not for 'group'.
    expect(plan.admitted).toEqual(['first']);
    expect(plan.waiting).toEqual([
      { id: 'group', position: 1, reason: 'insufficient_capacity' },
      { id: 'small', position: 2, reason: 'behind_head' },
    ]);
  });

  it('holds nothing for a queued group: the service behind it is admitted once the group fits', () => {
    const queue = [queued('group', 1, v3()), queued('small', 2, single(1))];
    expect(planAdmission({ nodes: poolA([0, 0, 0, 1]), reserved: [], queue }).admitted).toEqual([]);
    // A fifth server joins: four whole servers are free at once, and one more for the small one.
    const fits = planAdmission({ nodes: [...poolA(), node('pool-a-node-4')], reserved: [], queue });
    expect(fits.admitted).toEqual(['group', 'small']);
  });

  it('admits a service of two groups only when both groups fit (all or nothing)', () => {
    const plan = planAdmission({
      nodes: poolA([0, 0, 0, 8]),
      reserved: [],
      queue: [queued('two-groups', 1, r1(2))],
    });
    expect(plan.admitted).toEqual([]);
    expect(plan.waiting[0]?.reason).toBe('insufficient_capacity');
  });

  it("sets aside an admitted group's servers while its pods are not bound yet", () => {
    const plan = planAdmission({
      nodes: poolA(),
      reserved: outstandingDemand({ npusPerInstance: 16, nodesPerInstance: 2 }, 1, [0]),
      queue: [queued('next', 1, r1()), queued('small', 2, single(8))],
    });
    expect(plan.admitted).toEqual(['next']);
    expect(plan.waiting).toEqual([{ id: 'small', position: 1, reason: 'insufficient_capacity' }]);
  });
});

describe('outstandingDemand', () => {
  const group = { npusPerInstance: 16, nodesPerInstance: 2 };

  it('single-server: desired (plus surge) minus bound pods', () => {
    const shape = { npusPerInstance: 4, nodesPerInstance: 1 };
    expect(outstandingDemand(shape, 3, [1])).toEqual([{ ...shape, instances: 2 }]);
    expect(outstandingDemand(shape, 2, [2], 1)).toEqual([{ ...shape, instances: 1 }]);
    expect(outstandingDemand(shape, 2, [2])).toEqual([]);
  });

  it('groups: whole groups for groups with nothing bound, single servers for the rest', () => {
    expect(outstandingDemand(group, 3, [2, 1])).toEqual([
      { ...group, instances: 1 },
      { npusPerInstance: 8, nodesPerInstance: 1, instances: 1 },
    ]);
    expect(outstandingDemand(group, 2, [2, 2])).toEqual([]);
    expect(outstandingDemand(group, 1, [])).toEqual([{ ...group, instances: 1 }]);
  });
});
