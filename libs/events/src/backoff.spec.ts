import { describe, expect, it } from 'vitest';
import { backoffDelay, Sleeper } from './backoff.js';

describe('backoffDelay', () => {
  it('doubles from min up to max, jittered in the upper half', () => {
    for (let i = 0; i < 50; i++) {
      const first = backoffDelay(1, { minMs: 100, maxMs: 1_000 });
      expect(first).toBeGreaterThanOrEqual(50);
      expect(first).toBeLessThanOrEqual(100);
      const third = backoffDelay(3, { minMs: 100, maxMs: 1_000 });
      expect(third).toBeGreaterThanOrEqual(200);
      expect(third).toBeLessThanOrEqual(400);
      const late = backoffDelay(30, { minMs: 100, maxMs: 1_000 });
      expect(late).toBeGreaterThanOrEqual(500);
      expect(late).toBeLessThanOrEqual(1_000);
    }
  });
});

describe('Sleeper', () => {
  it('wake ends a wakeable sleep early', async () => {
    const sleeper = new Sleeper();
    const started = Date.now();
    const sleeping = sleeper.sleep(10_000);
    sleeper.wake();
    await sleeping;
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('remembers a wake-up that came while nobody slept', async () => {
    const sleeper = new Sleeper();
    sleeper.wake();
    const started = Date.now();
    await sleeper.sleep(10_000);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('wake does not end a non-wakeable sleep, interrupt does', async () => {
    const sleeper = new Sleeper();
    let done = false;
    const sleeping = sleeper.sleep(10_000, { wakeable: false }).then(() => (done = true));
    sleeper.wake();
    await new Promise((r) => setTimeout(r, 20));
    expect(done).toBe(false);
    sleeper.interrupt();
    await sleeping;
    expect(done).toBe(true);
    expect(sleeper.consumeWake()).toBe(true);
  });
});
