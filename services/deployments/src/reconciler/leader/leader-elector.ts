import { setTimeout as sleep } from 'node:timers/promises';
import { type Logger } from '@nestjs/common';
import {
  leaseDecision,
  type LeaseRecord,
  type LeaseStore,
  microTime,
  type ObservedLease,
  nextRecord,
} from './lease-record.js';

export interface LeaderElectionOptions {
  readonly identity: string;
  readonly leaseDurationMs: number;
  /** The leader steps down when it could not renew for this long. */
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
}

export interface LeadershipCallbacks {
  /** This replica became the leader: start reconciling. */
  readonly onStartedLeading: () => Promise<void>;
  /** It is not the leader any more (lost, stepped down, stopping): stop reconciling now. */
  readonly onStoppedLeading: () => Promise<void>;
}

/**
 * Leader election on a coordination.k8s.io/v1 Lease (client-go's algorithm). Every replica
 * runs one: the leader renews every retry period; a standby tries as often and takes the
 * Lease once it is released or expired. A leader that cannot renew within the renew
 * deadline, or finds another holder, steps down at once. On stop the leader releases the
 * Lease (no holder), so a standby takes over within one retry period instead of one lease
 * duration. Every write is conditional (resourceVersion): two replicas can never both win.
 */
export class LeaderElector {
  private leader = false;
  private lastRenewMs = 0;
  /** The Lease as this replica last wrote it while holding it (the renewal's fast path). */
  private written?: ObservedLease;
  private observed?: { key: string; atMs: number };
  private stopping?: AbortController;
  private loop?: Promise<void>;
  /** Serializes the callbacks: a stop always runs after the start it follows. */
  private transitions: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: LeaseStore,
    private readonly options: LeaderElectionOptions,
    private readonly callbacks: LeadershipCallbacks,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  get isLeader(): boolean {
    return this.leader;
  }

  get identity(): string {
    return this.options.identity;
  }

  start(): void {
    if (this.loop) return;
    const stopping = new AbortController();
    this.stopping = stopping;
    this.loop = this.run(stopping.signal);
  }

  /** Stops competing; the leader stops reconciling and then releases the Lease. */
  async stop(): Promise<void> {
    this.stopping?.abort();
    await this.loop;
    this.loop = undefined;
    if (this.leader) {
      this.setLeader(false);
      await this.transitions;
      await this.release();
    }
    await this.transitions;
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await this.tick();
      const jitter = this.leader ? 0 : Math.random() * 0.2 * this.options.retryPeriodMs;
      await sleep(this.options.retryPeriodMs + jitter, undefined, { signal }).catch(
        () => undefined,
      );
    }
  }

  /** One attempt to acquire or renew; exported behaviour is in isLeader and the callbacks. */
  async tick(): Promise<void> {
    let outcome: 'held' | 'lost' | 'failed';
    try {
      outcome = (await this.tryAcquireOrRenew()) ? 'held' : 'lost';
    } catch (error) {
      outcome = 'failed';
      this.logger.warn({ msg: 'leader election: cannot reach the Lease', err: error });
    }
    if (outcome === 'held') {
      this.lastRenewMs = this.now();
      if (!this.leader) this.setLeader(true);
    } else if (this.leader && (outcome === 'lost' || this.renewOverdue())) {
      this.logger.warn({ msg: 'leader election: lost the lease; stepping down', outcome });
      this.setLeader(false);
    }
  }

  private renewOverdue(): boolean {
    return this.now() - this.lastRenewMs > this.options.renewDeadlineMs;
  }

  /** True when this replica holds the Lease after the attempt. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    if (await this.renewOptimistically()) return true;
    const lease = await this.store.get();
    const nowMs = this.now();
    if (lease) this.observe(lease.record, nowMs);
    const decision = leaseDecision(
      lease,
      this.options.identity,
      this.observed?.atMs ?? nowMs,
      nowMs,
    );
    if (decision === 'wait') return false;
    const record = nextRecord(
      lease,
      this.options.identity,
      Math.ceil(this.options.leaseDurationMs / 1000),
      new Date(nowMs),
    );
    try {
      const resourceVersion = lease
        ? await this.store.update(lease.resourceVersion, record)
        : await this.store.create(record);
      this.written = { record, resourceVersion };
    } catch (error) {
      if ((error as { conflict?: boolean }).conflict) return false; // another replica won
      throw error;
    }
    this.observe(record, nowMs);
    return true;
  }

  /**
   * client-go's fast path: a leader whose lease is still valid renews by updating the
   * version it last wrote, without reading it first — one request per retry period instead
   * of two, which was half of an idle leader's API requests. The update is conditional, so a
   * Lease changed by anyone else meanwhile fails it (409), and the slow path reads it.
   */
  private async renewOptimistically(): Promise<boolean> {
    const written = this.written;
    this.written = undefined;
    const nowMs = this.now();
    if (!this.leader || !written || nowMs >= this.lastRenewMs + this.options.leaseDurationMs)
      return false;
    const record = nextRecord(
      written,
      this.options.identity,
      Math.ceil(this.options.leaseDurationMs / 1000),
      new Date(nowMs),
    );
    try {
      this.written = {
        record,
        resourceVersion: await this.store.update(written.resourceVersion, record),
      };
    } catch {
      return false; // changed meanwhile, or unreachable: the slow path reads it (and reports)
    }
    this.observe(record, nowMs);
    return true;
  }

  /** Remembers when the record last changed, on our clock. */
  private observe(record: LeaseRecord, nowMs: number): void {
    const key = `${record.holderIdentity}|${record.renewTime}`;
    if (this.observed?.key !== key) this.observed = { key, atMs: nowMs };
  }

  private setLeader(leader: boolean): void {
    this.leader = leader;
    this.logger.log({
      msg: leader ? 'became the leader' : 'stopped leading',
      identity: this.options.identity,
    });
    const callback = leader ? this.callbacks.onStartedLeading : this.callbacks.onStoppedLeading;
    this.transitions = this.transitions
      .then(callback)
      .catch((error: unknown) =>
        this.logger.error({ msg: 'leadership callback failed', err: error }),
      );
  }

  /** Gives the Lease up (no holder) so a standby need not wait for it to expire. */
  private async release(): Promise<void> {
    try {
      const lease = await this.store.get();
      if (!lease || lease.record.holderIdentity !== this.options.identity) return;
      const now = microTime(new Date(this.now()));
      await this.store.update(lease.resourceVersion, {
        ...lease.record,
        holderIdentity: '',
        leaseDurationSeconds: 1,
        renewTime: now,
      });
      this.logger.log({ msg: 'released the lease', identity: this.options.identity });
    } catch (error) {
      this.logger.warn({ msg: 'cannot release the lease; it will expire', err: error });
    }
  }
}
