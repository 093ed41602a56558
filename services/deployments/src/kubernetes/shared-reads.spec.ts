import { describe, expect, it } from 'vitest';
import { SharedReads } from './shared-reads.js';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('SharedReads', () => {
  it('gives callers of one key during a read that read, and reads again after it settled', async () => {
    const reads = new SharedReads<number>();
    const first = deferred<number>();
    let loads = 0;
    const load = () => {
      loads += 1;
      return loads === 1 ? first.promise : Promise.resolve(2);
    };
    const a = reads.read('pool', load);
    const b = reads.read('pool', load);
    first.resolve(1);
    expect(await Promise.all([a, b])).toEqual([1, 1]);
    expect(await reads.read('pool', load)).toBe(2);
    expect(loads).toBe(2);
  });

  it('keeps keys apart and does not keep a failure', async () => {
    const reads = new SharedReads<string>();
    const failing = deferred<string>();
    const a = reads.read('a', () => failing.promise);
    const b = reads.read('b', () => Promise.resolve('b'));
    failing.reject(new Error('down'));
    await expect(a).rejects.toThrow('down');
    expect(await b).toBe('b');
    expect(await reads.read('a', () => Promise.resolve('a again'))).toBe('a again');
  });
});
