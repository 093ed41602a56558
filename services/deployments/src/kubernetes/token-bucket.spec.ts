import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket.js';

describe('TokenBucket', () => {
  it('lets a burst through, then spaces requests at the QPS', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 3, () => now);
    expect([bucket.reserve(), bucket.reserve(), bucket.reserve()]).toEqual([0, 0, 0]);
    expect(bucket.reserve()).toBe(100); // the 4th waits one token (100 ms at 10/s)
    expect(bucket.reserve()).toBe(200); // and the 5th queues behind it
    now = 1_000; // refilled: 10 tokens earned, 2 owed, capped at the burst
    expect(bucket.reserve()).toBe(0);
    expect(bucket.reserve()).toBe(0);
  });

  it('never stores more than the burst', () => {
    let now = 0;
    const bucket = new TokenBucket(100, 2, () => now);
    now = 60_000;
    expect([bucket.reserve(), bucket.reserve()]).toEqual([0, 0]);
    expect(bucket.reserve()).toBeGreaterThan(0);
  });
});
