import { type Logger } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { LeaderElector } from './leader-elector.js';
import {
  leaseDecision,
  type LeaseRecord,
  type LeaseStore,
  microTime,
  nextRecord,
  type ObservedLease,
} from './lease-record.js';

const record = (holderIdentity: string, leaseDurationSeconds = 15): LeaseRecord => ({
  holderIdentity,
  leaseDurationSeconds,
  acquireTime: '2026-01-01T00:00:00.000000Z',
  renewTime: '2026-01-01T00:00:00.000000Z',
  leaseTransitions: 3,
});
const lease = (r: LeaseRecord): ObservedLease => ({ record: r, resourceVersion: '1' });

describe('leaseDecision', () => {
  it('creates a missing Lease, renews its own, takes a released one', () => {
    expect(leaseDecision(null, 'me', 0, 0)).toBe('create');
    expect(leaseDecision(lease(record('me')), 'me', 0, 0)).toBe('renew');
    expect(leaseDecision(lease(record('')), 'me', 0, 0)).toBe('acquire');
  });

  it("waits for another holder's Lease to expire on its own clock", () => {
    const other = lease(record('other', 15));
    expect(leaseDecision(other, 'me', 1_000, 15_999)).toBe('wait');
    expect(leaseDecision(other, 'me', 1_000, 16_000)).toBe('acquire');
  });

  it('counts transitions and keeps the acquire time while renewing', () => {
    const now = new Date('2026-02-01T12:00:00.123Z');
    const taken = nextRecord(lease(record('other')), 'me', 15, now);
    expect(taken).toEqual({
      holderIdentity: 'me',
      leaseDurationSeconds: 15,
      acquireTime: '2026-02-01T12:00:00.123000Z',
      renewTime: '2026-02-01T12:00:00.123000Z',
      leaseTransitions: 4,
    });
    const renewed = nextRecord(lease(taken), 'me', 15, new Date('2026-02-01T12:00:02Z'));
    expect(renewed.acquireTime).toBe(taken.acquireTime);
    expect(renewed.leaseTransitions).toBe(4);
    expect(nextRecord(null, 'me', 15, now).leaseTransitions).toBe(0);
  });

  it('writes MicroTime with six fractional digits', () => {
    expect(microTime(new Date('2026-02-01T12:00:00.5Z'))).toBe('2026-02-01T12:00:00.500000Z');
  });
});

/** An in-memory Lease with the API server's optimistic concurrency. */
class FakeLeaseStore implements LeaseStore {
  current: ObservedLease | null = null;
  private version = 0;
  failing = false;
  /** Requests so far, by kind. */
  readonly calls = { get: 0, create: 0, update: 0 };

  get(): Promise<ObservedLease | null> {
    this.calls.get += 1;
    if (this.failing) return Promise.reject(new Error('unreachable'));
    return Promise.resolve(this.current);
  }

  create(r: LeaseRecord): Promise<string> {
    this.calls.create += 1;
    if (this.failing) return Promise.reject(new Error('unreachable'));
    if (this.current) return Promise.reject(Object.assign(new Error('exists'), { conflict: true }));
    this.current = { record: r, resourceVersion: String(++this.version) };
    return Promise.resolve(this.current.resourceVersion);
  }

  update(resourceVersion: string, r: LeaseRecord): Promise<string> {
    this.calls.update += 1;
    if (this.failing) return Promise.reject(new Error('unreachable'));
    if (this.current?.resourceVersion !== resourceVersion)
      return Promise.reject(Object.assign(new Error('conflict'), { conflict: true }));
    this.current = { record: r, resourceVersion: String(++this.version) };
    return Promise.resolve(this.current.resourceVersion);
  }

  /** Someone else writes the Lease (a new resourceVersion). */
  overwrite(r: LeaseRecord): void {
    this.current = { record: r, resourceVersion: String(++this.version) };
  }
}

const quiet = { log() {}, warn() {}, error() {}, debug() {} } as unknown as Logger;
const options = { leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 500 };

function elector(store: LeaseStore, identity: string, clock: { now: number }) {
  const events: string[] = [];
  const e = new LeaderElector(
    store,
    { ...options, identity },
    {
      onStartedLeading: () => Promise.resolve(void events.push('started')),
      onStoppedLeading: () => Promise.resolve(void events.push('stopped')),
    },
    quiet,
    () => clock.now,
  );
  return { e, events };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('LeaderElector', () => {
  it('exactly one of two replicas leads; the other takes over once the Lease expires', async () => {
    const store = new FakeLeaseStore();
    const clock = { now: 0 };
    const a = elector(store, 'a', clock);
    const b = elector(store, 'b', clock);
    await a.e.tick();
    await b.e.tick();
    expect([a.e.isLeader, b.e.isLeader]).toEqual([true, false]);
    clock.now = 2_000;
    await a.e.tick(); // renews
    await b.e.tick();
    expect(b.e.isLeader).toBe(false);
    // a dies (stops renewing); b has seen the record since t=2000 (its own clock)
    clock.now = 4_999;
    await b.e.tick();
    expect(b.e.isLeader).toBe(false);
    clock.now = 5_000;
    await b.e.tick();
    expect(b.e.isLeader).toBe(true);
    expect(store.current?.record).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    await settle();
    expect(b.events).toEqual(['started']);
  });

  it('steps down when it cannot renew within the renew deadline, or finds another holder', async () => {
    const store = new FakeLeaseStore();
    const clock = { now: 0 };
    const a = elector(store, 'a', clock);
    await a.e.tick();
    store.failing = true;
    clock.now = 1_500;
    await a.e.tick();
    expect(a.e.isLeader).toBe(true); // within the deadline
    clock.now = 2_001;
    await a.e.tick();
    expect(a.e.isLeader).toBe(false);
    store.failing = false;
    clock.now = 2_500;
    await a.e.tick();
    expect(a.e.isLeader).toBe(true);
    // someone else holds it now (e.g. this process was paused past the lease)
    store.current = lease({ ...record('intruder', 3), renewTime: 'later' });
    await a.e.tick();
    expect(a.e.isLeader).toBe(false);
    await settle();
    expect(a.events).toEqual(['started', 'stopped', 'started', 'stopped']);
  });

  it('a leader renews with one update per retry period, reading only when its version is stale', async () => {
    const store = new FakeLeaseStore();
    const clock = { now: 0 };
    const a = elector(store, 'a', clock);
    await a.e.tick(); // get (none) + create
    for (const t of [500, 1_000, 1_500]) {
      clock.now = t;
      await a.e.tick();
    }
    expect(store.calls).toEqual({ get: 1, create: 1, update: 3 });
    expect(store.current?.record).toMatchObject({
      holderIdentity: 'a',
      acquireTime: microTime(new Date(0)),
      renewTime: microTime(new Date(1_500)),
      leaseTransitions: 0,
    });
    // Written by someone else meanwhile, still ours (e.g. a label added): the conditional
    // update fails, the slow path reads the Lease and renews it.
    store.overwrite({ ...(store.current as ObservedLease).record });
    clock.now = 2_000;
    await a.e.tick();
    expect(a.e.isLeader).toBe(true);
    expect(store.calls).toEqual({ get: 2, create: 1, update: 5 });
    // Past its lease duration without a renewal (paused): no blind write, it reads first.
    clock.now = 5_500;
    await a.e.tick();
    expect(store.calls).toEqual({ get: 3, create: 1, update: 6 });
  });

  it('releases the Lease on stop so a standby takes it at once', async () => {
    const store = new FakeLeaseStore();
    const clock = { now: 0 };
    const a = elector(store, 'a', clock);
    const b = elector(store, 'b', clock);
    await a.e.tick();
    await b.e.tick();
    await a.e.stop();
    expect(store.current?.record.holderIdentity).toBe('');
    expect(a.events).toEqual(['started', 'stopped']);
    await b.e.tick(); // same instant: no waiting for expiry
    expect(b.e.isLeader).toBe(true);
  });
});
