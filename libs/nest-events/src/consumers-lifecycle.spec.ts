import { Logger } from '@nestjs/common';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Startable } from '@maas/events';
import { ConsumersLifecycle, type NamedConsumer } from './consumers-lifecycle.js';

function fakeConsumer(failures = 0) {
  let starts = 0;
  return {
    start: vi.fn(() =>
      ++starts <= failures ? Promise.reject(new Error('no topic yet')) : Promise.resolve(),
    ),
    stop: vi.fn(() => Promise.resolve()),
  };
}

class Probe extends ConsumersLifecycle {
  made = 0;
  constructor(
    consume: boolean,
    private readonly list: Startable[],
  ) {
    super('Probe', consume);
  }

  protected consumers(): NamedConsumer[] {
    this.made += 1;
    return this.list.map((consumer, i) => [`probe.${i}`, consumer] as const);
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('ConsumersLifecycle', () => {
  it('starts every consumer once the app is up, retrying one that fails, and stops them all', async () => {
    vi.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const [a, b] = [fakeConsumer(), fakeConsumer(1)];
    const probe = new Probe(true, [a, b]);
    probe.onApplicationBootstrap();
    await vi.waitFor(() => expect(b.start).toHaveBeenCalledTimes(2), { timeout: 5_000 });
    expect(a.start).toHaveBeenCalledOnce();
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({ msg: 'cannot start consumer; retrying', consumer: 'probe.1' }),
    );
    await probe.beforeApplicationShutdown();
    expect(a.stop).toHaveBeenCalledOnce();
    expect(b.stop).toHaveBeenCalledOnce();
  });

  it('makes no consumer where this process does not consume', async () => {
    const probe = new Probe(false, [fakeConsumer()]);
    probe.onApplicationBootstrap();
    await probe.beforeApplicationShutdown();
    expect(probe.made).toBe(0);
  });
});
