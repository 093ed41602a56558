import { describe, expect, it, vi } from 'vitest';
import { BackgroundConsumers, retryInBackground, type Startable } from './background.js';
import { type EventsLogger } from './logger.js';

const fast = { minMs: 1, maxMs: 2 };

function recordingLogger() {
  const lines: { level: string; context: object; message: string }[] = [];
  const at =
    (level: string) =>
    (context: object, message: string): void => {
      lines.push({ level, context, message });
    };
  const logger: EventsLogger = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
  return { logger, lines };
}

/** Fails `failures` times, then starts; counts stops. */
function flaky(failures: number): Startable & { starts: number; stops: number } {
  return {
    starts: 0,
    stops: 0,
    start() {
      this.starts += 1;
      return this.starts <= failures
        ? Promise.reject(new Error(`not yet ${this.starts}`))
        : Promise.resolve();
    },
    stop() {
      this.stops += 1;
      return Promise.resolve();
    },
  };
}

describe('retryInBackground', () => {
  it('retries until the task succeeds, reporting each failure', async () => {
    let calls = 0;
    const failures: unknown[] = [];
    const done = await retryInBackground(
      () => (++calls < 3 ? Promise.reject(new Error('down')) : Promise.resolve()),
      { signal: new AbortController().signal, backoff: fast, onFailure: (e) => failures.push(e) },
    );
    expect(done).toBe(true);
    expect(calls).toBe(3);
    expect(failures).toHaveLength(2);
  });

  it('gives up when aborted, cutting the back-off short, and never rejects', async () => {
    const stop = new AbortController();
    const task = vi.fn(() => Promise.reject(new Error('down')));
    const running = retryInBackground(task, {
      signal: stop.signal,
      backoff: { minMs: 60_000, maxMs: 60_000 },
      onFailure: () => stop.abort(),
    });
    await expect(running).resolves.toBe(false);
    expect(task).toHaveBeenCalledTimes(1);
  });
});

describe('BackgroundConsumers', () => {
  it('starts each consumer with retries, logs it, and stops them all', async () => {
    const { logger, lines } = recordingLogger();
    const consumers = new BackgroundConsumers(logger, fast);
    const a = flaky(2);
    const b = flaky(0);
    consumers.start([
      ['svc.a', a],
      ['svc.b', b],
    ]);
    await vi.waitFor(() => expect(a.starts).toBe(3));
    await consumers.stop();
    expect([a.stops, b.stops]).toEqual([1, 1]);
    const warnings = lines.filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatchObject({
      context: { consumer: 'svc.a', err: new Error('not yet 1') },
      message: 'cannot start consumer; retrying',
    });
    expect(lines.filter((l) => l.message === 'consumer started').map((l) => l.context)).toEqual(
      expect.arrayContaining([{ consumer: 'svc.a' }, { consumer: 'svc.b' }]),
    );
  });

  it('stops retrying a consumer that never starts, and still stops the others', async () => {
    const { logger } = recordingLogger();
    const consumers = new BackgroundConsumers(logger, fast);
    const never = flaky(Number.POSITIVE_INFINITY);
    const fine = flaky(0);
    fine.stop = () => Promise.reject(new Error('broker gone'));
    consumers.start([
      ['never', never],
      ['fine', fine],
    ]);
    await vi.waitFor(() => expect(never.starts).toBeGreaterThan(1));
    await expect(consumers.stop()).resolves.toBeUndefined();
    const startsAtStop = never.starts;
    await new Promise((r) => setTimeout(r, 10));
    expect(never.starts).toBe(startsAtStop);
    expect(never.stops).toBe(1);
  });
});
