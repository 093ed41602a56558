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

  get(): Promise<ObservedLease | null> {
    if (this.failing) return Promise.reject(new Error('unreachable'));
    return Promise.resolve(this.current);
  }

  create(r: LeaseRecord): Promise<void> {
    if (this.failing) return Promise.reject(new Error('unreachable'));
    if (this.current) return Promise.reject(Object.assign(new Error('exists'), { conflict: true }));
    this.current = { record: r, resourceVersion: String(++this.version) };
    return Promise.resolve();
  }

  update(resourceVersion: string, r: LeaseRecord): Promise<void> {
    if (this.failing) return Promise.reject(new Error('unreachable'));
    if (this.current?.resourceVersion !== resourceVersion)
      return Promise.reject(Object.assign(new Error('conflict'), { conflict: true }));
    this.current = { record: r, resourceVersion: String(++this.version) };
    return Promise.resolve();
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
