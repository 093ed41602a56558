import { afterEach, describe, expect, it, vi } from 'vitest';
import { OutboxRelay } from './outbox-relay.js';
import {
  type OutboxPublisher,
  type OutboxRecord,
  type OutboxStore,
  type WakeUpSource,
} from './relay-ports.js';

const silent = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** The outbox table, in memory, with the store contract (id order, mark only on success). */
class MemoryStore implements OutboxStore {
  rows: (OutboxRecord & { sent: boolean; lastError?: string })[] = [];
  heldByOther = false;
  claims = 0;
  private nextId = 1;

  append(key: string, seq: number): void {
    const id = String(this.nextId++);
    this.rows.push({
      id,
      eventId: `${key}#${seq}`,
      topic: 't',
      key,
      envelope: new Uint8Array(),
      attempts: 0,
      sent: false,
    });
  }

  async relayBatch(limit: number, publish: (records: readonly OutboxRecord[]) => Promise<void>) {
    if (this.heldByOther) return null;
    this.claims += 1;
    const batch = this.rows.filter((r) => !r.sent).slice(0, limit);
    if (batch.length === 0) return 0;
    await publish(batch.map(({ sent: _s, lastError: _e, ...record }) => ({ ...record })));
    for (const row of batch) {
      row.sent = true;
      row.attempts += 1;
    }
    return batch.length;
  }

  recordFailure(ids: readonly string[], error: string) {
    for (const row of this.rows.filter((r) => ids.includes(r.id))) {
      row.attempts += 1;
      row.lastError = error;
    }
    return Promise.resolve();
  }

  pendingCount() {
    return Promise.resolve(this.rows.filter((r) => !r.sent).length);
  }
}

/**
 * Records what reached "Kafka". `failWith(n)` makes a send fail after delivering its first
 * n records (a partial failure: some partitions written, the ack lost).
 */
class MemoryPublisher implements OutboxPublisher {
  delivered: OutboxRecord[] = [];
  calls = 0;
  plan: (number | 'ok')[] = [];
  gate?: Promise<void>;
  closed = false;

  async publish(records: readonly OutboxRecord[]) {
    this.calls += 1;
    if (this.gate) await this.gate;
    const step = this.plan.shift() ?? 'ok';
    if (step === 'ok') {
      this.delivered.push(...records);
      return;
    }
    this.delivered.push(...records.slice(0, step));
    throw new Error(`broker unavailable (delivered ${step} of ${records.length})`);
  }

  close() {
    this.closed = true;
    return Promise.resolve();
  }
}

class ManualWakeUp implements WakeUpSource {
  fire: () => void = () => undefined;
  stopped = false;
  start(onWakeUp: () => void) {
    this.fire = onWakeUp;
    return Promise.resolve();
  }
  stop() {
    this.stopped = true;
    return Promise.resolve();
  }
}

/** Per key, the sequence numbers in delivery order with redeliveries of known events removed. */
function firstDeliveries(delivered: OutboxRecord[]): Map<string, number[]> {
  const seen = new Set<string>();
  const byKey = new Map<string, number[]>();
  for (const r of delivered) {
    if (seen.has(r.eventId)) continue;
    seen.add(r.eventId);
    byKey.set(r.key, [...(byKey.get(r.key) ?? []), Number(r.eventId.split('#')[1])]);
  }
  return byKey;
}

/**
 * The ordering invariant: when any record of a key is delivered, every earlier record of
 * that key has already been delivered (first deliveries strictly increasing, no gaps).
 */
function expectOrdered(delivered: OutboxRecord[], keys: string[], perKey: number) {
  const byKey = firstDeliveries(delivered);
  for (const key of keys) {
    expect(byKey.get(key), key).toEqual(Array.from({ length: perKey }, (_, i) => i));
  }
}

let relay: OutboxRelay | undefined;
afterEach(async () => {
  await relay?.stop();
  relay = undefined;
});

describe('OutboxRelay.runOnce', () => {
  it('publishes in id order, batch by batch, and marks what was acknowledged', async () => {
    const store = new MemoryStore();
    const publisher = new MemoryPublisher();
    for (let i = 0; i < 5; i++) store.append(`k${i % 2}`, i);
    relay = new OutboxRelay({ store, publisher }, { batchSize: 2, logger: silent });

    expect(await relay.runOnce()).toBe('more');
    expect(await relay.runOnce()).toBe('more');
    expect(await relay.runOnce()).toBe('drained');
    expect(publisher.delivered.map((r) => r.id)).toEqual(['1', '2', '3', '4', '5']);
    expect(await store.pendingCount()).toBe(0);
    expect((await relay.stats()).published).toBe(5);
  });

  it('marks nothing when a batch fails, records the failure, and resends from the oldest', async () => {
    const store = new MemoryStore();
    const publisher = new MemoryPublisher();
    for (let i = 0; i < 3; i++) store.append('k', i);
    publisher.plan = [1];
    relay = new OutboxRelay({ store, publisher }, { logger: silent });

    expect(await relay.runOnce()).toBe('failed');
    expect(await store.pendingCount()).toBe(3);
    expect(store.rows.map((r) => r.lastError)).toEqual(
      Array(3).fill('broker unavailable (delivered 1 of 3)'),
    );
    expect(await relay.stats()).toMatchObject({
      consecutiveFailures: 1,
      failedBatches: 1,
      pending: 3,
    });

    expect(await relay.runOnce()).toBe('drained');
    // The first record went out twice (the consumer's inbox drops the copy); order held.
    expect(publisher.delivered.map((r) => r.eventId)).toEqual(['k#0', 'k#0', 'k#1', 'k#2']);
    expect(await relay.stats()).toMatchObject({ consecutiveFailures: 0, pending: 0 });
  });

  it('keeps every key in order under random partial failures', async () => {
    const store = new MemoryStore();
    const publisher = new MemoryPublisher();
    const keys = ['a', 'b', 'c'];
    const perKey = 40;
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < perKey; i++) for (const key of keys) store.append(key, i);
    publisher.plan = Array.from({ length: 200 }, () =>
      random() < 0.4 ? Math.floor(random() * 7) : 'ok',
    );
    relay = new OutboxRelay({ store, publisher }, { batchSize: 7, logger: silent });

    for (let pass = 0; pass < 500 && (await store.pendingCount()) > 0; pass++)
      await relay.runOnce();

    expect(await store.pendingCount()).toBe(0);
    expect((await relay.stats()).failedBatches).toBeGreaterThan(5);
    expectOrdered(publisher.delivered, keys, perKey);
  });

  it('does nothing while another relay holds the outbox', async () => {
    const store = new MemoryStore();
    const publisher = new MemoryPublisher();
    store.append('k', 0);
    store.heldByOther = true;
    relay = new OutboxRelay({ store, publisher }, { logger: silent });

    expect(await relay.runOnce()).toBe('busy');
    expect(publisher.calls).toBe(0);
  });
});

describe('OutboxRelay loop', () => {
  it('wakes up on a notification instead of waiting for the poll', async () => {
    const store = new MemoryStore();
    const publisher = new MemoryPublisher();
    const wakeUp = new ManualWakeUp();
    relay = new OutboxRelay(
      { store, publisher, wakeUp },
      { pollIntervalMs: 60_000, logger: silent },
    );
    await relay.start();
    await vi.waitFor(() => expect(store.claims).toBe(1)); // the first pass found nothing

    store.append('k', 0);
    wakeUp.fire();

    await vi.waitFor(() => expect(publisher.delivered).toHaveLength(1), { timeout: 2_000 });
  });

  it('also finds rows by polling when no notification comes', async () => {
    const store = new MemoryStore();
    const publisher = new MemoryPublisher();
    relay = new OutboxRelay({ store, publisher }, { pollIntervalMs: 20, logger: silent });
    await relay.start();
    store.append('k', 0);
    await vi.waitFor(() => expect(publisher.delivered).toHaveLength(1), { timeout: 2_000 });
  });

  it('backs off after failures and then delivers everything in order', async () => {
    const store = new MemoryStore();
    const publisher = new MemoryPublisher();
    for (let i = 0; i < 10; i++) store.append('k', i);
    publisher.plan = [0, 2, 0];
    relay = new OutboxRelay(
      { store, publisher },
      { batchSize: 4, pollIntervalMs: 10, backoff: { minMs: 5, maxMs: 20 }, logger: silent },
    );
    await relay.start();
    await vi.waitFor(async () => expect(await store.pendingCount()).toBe(0), { timeout: 2_000 });
    expect((await relay.stats()).failedBatches).toBe(3);
    expectOrdered(publisher.delivered, ['k'], 10);
  });

  it('stop waits for the batch in flight, which is then marked sent', async () => {
    const store = new MemoryStore();
    const publisher = new MemoryPublisher();
    const wakeUp = new ManualWakeUp();
    let release: () => void = () => undefined;
    publisher.gate = new Promise<void>((r) => (release = r));
    store.append('k', 0);
    relay = new OutboxRelay({ store, publisher, wakeUp }, { logger: silent });
    await relay.start();
    await vi.waitFor(() => expect(publisher.calls).toBe(1));

    let stopped = false;
    const stopping = relay.stop().then(() => (stopped = true));
    await new Promise((r) => setImmediate(r));
    expect(stopped).toBe(false);

    release();
    await stopping;
    expect(await store.pendingCount()).toBe(0);
    expect(publisher.calls).toBe(1);
    expect(publisher.closed).toBe(true);
    expect(wakeUp.stopped).toBe(true);
    relay = undefined;
  });
});
