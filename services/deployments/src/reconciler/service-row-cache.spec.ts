import { describe, expect, it } from 'vitest';
import { type ModelServiceEntity } from '../model-services/model-service.entity.js';
import { ServiceRowCache } from './service-row-cache.js';

const row = (id: string, version: number): ModelServiceEntity =>
  ({ id, version, readyInstances: 0, observedGeneration: '0' }) as ModelServiceEntity;

function setup() {
  const db = new Map<string, ModelServiceEntity>([['a', row('a', 1)]]);
  let reads = 0;
  let gate: Promise<void> | undefined;
  const cache = new ServiceRowCache(async (id) => {
    reads++;
    const value = db.get(id) ?? null;
    await gate;
    return value;
  });
  return {
    db,
    cache,
    reads: () => reads,
    hold: () => {
      let release!: () => void;
      gate = new Promise((r) => (release = r));
      return () => {
        gate = undefined;
        release();
      };
    },
  };
}

describe('ServiceRowCache', () => {
  it('reads a row once until it is invalidated', async () => {
    const s = setup();
    await s.cache.get('a');
    await s.cache.get('a');
    expect(s.reads()).toBe(1);
    s.db.set('a', row('a', 2));
    s.cache.invalidate('a');
    expect((await s.cache.get('a'))?.version).toBe(2);
    expect(s.reads()).toBe(2);
  });

  it('does not cache a read that an invalidation overtook', async () => {
    const s = setup();
    const release = s.hold();
    const inFlight = s.cache.get('a'); // reads version 1
    s.db.set('a', row('a', 2));
    s.cache.invalidate('a'); // the NOTIFY of version 2 arrives meanwhile
    release();
    expect((await inFlight)?.version).toBe(1);
    expect((await s.cache.get('a'))?.version).toBe(2); // read again, not the stale one
  });

  it('drops rows whose version moved, and keeps what the reconciler recorded itself', async () => {
    const s = setup();
    await s.cache.get('a');
    s.cache.recorded('a', { readyInstances: 3, observedGeneration: 5 });
    const cached = await s.cache.get('a');
    expect(cached).toMatchObject({ readyInstances: 3, observedGeneration: '5' });
    s.cache.dropOutdated([{ id: 'a', version: 1 }]);
    await s.cache.get('a');
    expect(s.reads()).toBe(1);
    s.cache.dropOutdated([{ id: 'a', version: 2 }]);
    await s.cache.get('a');
    expect(s.reads()).toBe(2);
  });

  it('is refilled by a full read, except rows invalidated since it began', async () => {
    const s = setup();
    s.cache.clear();
    const generation = s.cache.currentGeneration;
    s.cache.invalidate('b');
    s.cache.fill([row('a', 1), row('b', 1)], generation);
    await s.cache.get('a');
    expect(s.reads()).toBe(0);
    expect(await s.cache.get('b')).toBeNull(); // read from the database (not there)
    expect(s.reads()).toBe(1);
    s.cache.clear();
    s.cache.fill([row('a', 1)], generation); // a fill from before the last clear is ignored
    expect(s.cache.size).toBe(0);
  });
});
