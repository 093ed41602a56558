import { afterEach, describe, expect, it, vi } from 'vitest';
import { type PassOutcome, WorkQueue } from './work-queue.js';

/** A pass that waits until released, recording when each key ran. */
function controlledHandler() {
  const runs: string[] = [];
  const pending = new Map<string, (o: PassOutcome) => void>();
  const handler = (key: string) => {
    runs.push(key);
    return new Promise<PassOutcome>((resolve) => pending.set(key, resolve));
  };
  const finish = async (key: string, outcome: PassOutcome = { kind: 'done' }) => {
    const resolve = pending.get(key);
    if (!resolve) throw new Error(`${key} is not running`);
    pending.delete(key);
    resolve(outcome);
    await vi.advanceTimersByTimeAsync(0);
  };
  return { runs, pending, handler, finish };
}

const options = {
  identify: (key: string) => key,
  workers: 2,
  backoffMinMs: 100,
  backoffMaxMs: 1_000,
};

describe('WorkQueue', () => {
  afterEach(() => vi.useRealTimers());

  it('de-duplicates keys waiting and never runs one key twice at once', async () => {
    vi.useFakeTimers();
    const h = controlledHandler();
    const q = new WorkQueue({ ...options, workers: 4 });
    q.start(h.handler);
    q.add('a');
    q.add('b');
    await vi.advanceTimersByTimeAsync(0);
    expect(h.runs).toEqual(['a', 'b']);
    q.add('a'); // running: marked dirty, not run concurrently
    q.add('a');
    q.add('a');
    await vi.advanceTimersByTimeAsync(0);
    expect(h.runs).toEqual(['a', 'b']);
    await h.finish('a');
    expect(h.runs).toEqual(['a', 'b', 'a']); // dirty: once more, after the pass
    await h.finish('a');
    await h.finish('b');
    expect(h.runs).toEqual(['a', 'b', 'a']);
    q.add('c');
    q.add('c');
    q.add('c');
    expect(q.depth).toBe(0); // taken at once by a free worker; the repeats fold into one
    await h.finish('c');
    await h.finish('c');
    expect(h.runs).toEqual(['a', 'b', 'a', 'c', 'c']);
    await q.stop();
  });

  it('runs at most `workers` passes at once, in FIFO order', async () => {
    vi.useFakeTimers();
    const h = controlledHandler();
    const q = new WorkQueue(options);
    q.start(h.handler);
    for (const key of ['a', 'b', 'c', 'd']) q.add(key);
    await vi.advanceTimersByTimeAsync(0);
    expect(h.runs).toEqual(['a', 'b']);
    expect(q.depth).toBe(2);
    await h.finish('b');
    expect(h.runs).toEqual(['a', 'b', 'c']);
    await h.finish('a');
    await h.finish('c');
    await h.finish('d');
    await q.stop();
  });

  it('backs a failing key off exponentially and forgets it after a success', async () => {
    vi.useFakeTimers();
    const h = controlledHandler();
    const q = new WorkQueue(options);
    q.start(h.handler);
    q.add('k');
    await vi.advanceTimersByTimeAsync(0);
    await h.finish('k', { kind: 'retry', error: new Error('x') });
    await vi.advanceTimersByTimeAsync(99);
    expect(h.runs).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.runs).toHaveLength(2); // after 100 ms
    await h.finish('k', { kind: 'retry', error: new Error('x') });
    await vi.advanceTimersByTimeAsync(199);
    expect(h.runs).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.runs).toHaveLength(3); // after 200 ms
    expect(q.failuresOf('k')).toBe(2);
    await h.finish('k');
    expect(q.failuresOf('k')).toBe(0);
    await q.stop();
  });

  it('does not requeue a terminal failure, and forgets its back-off', async () => {
    vi.useFakeTimers();
    const h = controlledHandler();
    const q = new WorkQueue(options);
    q.start(h.handler);
    q.add('k');
    await vi.advanceTimersByTimeAsync(0);
    await h.finish('k', { kind: 'retry', error: new Error('hiccup') });
    await vi.advanceTimersByTimeAsync(100);
    expect(h.runs).toHaveLength(2);
    await h.finish('k', { kind: 'terminal', error: new Error('invalid') });
    expect(q.failuresOf('k')).toBe(0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.runs).toHaveLength(2); // never again by itself…
    expect(q.pending).toBe(0);
    q.add('k'); // …only when something asks for it
    await vi.advanceTimersByTimeAsync(0);
    expect(h.runs).toHaveLength(3);
    await h.finish('k');
    await q.stop();
  });

  it('compares typed keys by their identity', async () => {
    vi.useFakeTimers();
    type Key = { readonly pool: string } | { readonly everyPool: true };
    const runs: Key[] = [];
    let release = () => undefined as void;
    const q = new WorkQueue<Key>({
      ...options,
      workers: 1,
      identify: (k) => ('pool' in k ? `pool ${k.pool}` : 'every pool'),
    });
    q.start(async (key) => {
      runs.push(key);
      if ('pool' in key && key.pool === 'busy') await new Promise<void>((r) => (release = r));
      return { kind: 'done' };
    });
    q.add({ pool: 'busy' });
    q.add({ pool: 'a' });
    q.add({ everyPool: true });
    q.add({ pool: 'a' });
    q.add({ everyPool: true });
    expect(q.depth).toBe(2);
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toEqual([{ pool: 'busy' }, { pool: 'a' }, { everyPool: true }]);
    await q.stop();
  });

  it('requeues after a pass asks to look again, and the earliest delayed add wins', async () => {
    vi.useFakeTimers();
    const h = controlledHandler();
    const q = new WorkQueue(options);
    q.start(h.handler);
    q.addAfter('k', 500);
    q.addAfter('k', 300);
    q.addAfter('k', 800);
    await vi.advanceTimersByTimeAsync(300);
    expect(h.runs).toEqual(['k']);
    await h.finish('k', { kind: 'done', requeueAfterMs: 50 });
    await vi.advanceTimersByTimeAsync(50);
    expect(h.runs).toEqual(['k', 'k']);
    await h.finish('k');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(h.runs).toEqual(['k', 'k']);
    await q.stop();
  });

  it('stops: forgets waiting and delayed keys, waits for running passes, takes no new ones', async () => {
    vi.useFakeTimers();
    const h = controlledHandler();
    const q = new WorkQueue({ ...options, workers: 1 });
    q.start(h.handler);
    q.add('a');
    q.add('b');
    q.addAfter('c', 100);
    await vi.advanceTimersByTimeAsync(0);
    const stopped = q.stop();
    q.add('d');
    await h.finish('a');
    await stopped;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(h.runs).toEqual(['a']);
    expect(q.running).toBe(false);
  });

  it('treats a pass that throws as retryable', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const q = new WorkQueue(options);
    q.start(() => {
      calls += 1;
      return calls === 1 ? Promise.reject(new Error('boom')) : Promise.resolve({ kind: 'done' });
    });
    q.add('k');
    await vi.advanceTimersByTimeAsync(100);
    expect(calls).toBe(2);
    await q.stop();
  });

  it('reports how long each key waited before its pass', async () => {
    vi.useFakeTimers();
    const h = controlledHandler();
    const waits: number[] = [];
    const q = new WorkQueue({ ...options, workers: 1, onWait: (ms) => waits.push(ms) });
    q.start(h.handler);
    q.add('a');
    q.add('b');
    await vi.advanceTimersByTimeAsync(250);
    await h.finish('a');
    expect(h.runs).toEqual(['a', 'b']);
    expect(waits).toEqual([0, 250]);
    await h.finish('b');
    await q.stop();
  });
});
