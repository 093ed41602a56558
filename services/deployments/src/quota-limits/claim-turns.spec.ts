import { describe, expect, it } from 'vitest';
import { ClaimTurns } from './claim-turns.js';

function deferred() {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('ClaimTurns', () => {
  it('runs one key in turn (FIFO, after a failure too) and different keys side by side', async () => {
    const turns = new ClaimTurns();
    const started: string[] = [];
    const a1 = deferred();
    const a2 = deferred();
    const first = turns.run('p/a', () => (started.push('a1'), a1.promise));
    const second = turns.run('p/a', () => (started.push('a2'), a2.promise));
    const third = turns.run('p/a', () => (started.push('a3'), Promise.resolve('a3')));
    const other = turns.run('p/b', () => (started.push('b1'), Promise.resolve('b1')));
    await tick();
    expect(started).toEqual(['a1', 'b1']);
    a1.reject(new Error('refused'));
    await expect(first).rejects.toThrow('refused');
    await tick();
    expect(started).toEqual(['a1', 'b1', 'a2']);
    a2.resolve();
    await second;
    expect(await third).toBe('a3');
    expect(await other).toBe('b1');
  });
});
