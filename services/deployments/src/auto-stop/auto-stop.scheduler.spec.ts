import { describe, expect, it } from 'vitest';
import { type DeploymentsConfig } from '../config.js';
import { type AutoStopQueue } from '../jobs/jobs.module.js';
import { type ModelServiceEntity } from '../model-services/model-service.entity.js';
import { AutoStopJobs } from './auto-stop.jobs.js';
import { AutoStopScheduler } from './auto-stop.scheduler.js';

interface FakeJob {
  data: { serviceId: string; fireAt: number };
  state: string;
  delay: number;
}

class FakeQueue {
  jobs = new Map<string, FakeJob>();
  calls = 0;

  getJob(id: string) {
    this.calls++;
    const job = this.jobs.get(id);
    if (!job) return Promise.resolve(undefined);
    return Promise.resolve({
      data: job.data,
      getState: () => Promise.resolve(job.state),
      remove: () => Promise.resolve(void this.jobs.delete(id)),
    });
  }

  add(_name: string, data: FakeJob['data'], opts: { jobId: string; delay: number }) {
    this.calls++;
    this.jobs.set(opts.jobId, { data, state: 'delayed', delay: opts.delay });
    return Promise.resolve();
  }
}

const row = (changes: Partial<ModelServiceEntity>): ModelServiceEntity =>
  ({
    id: 's1',
    autoStopMinutes: 60,
    autoStopRemainingMs: String(3_600_000),
    autoStopResumedAt: null,
    ...changes,
  }) as ModelServiceEntity;

const setup = () => {
  const queue = new FakeQueue();
  const jobs = new AutoStopJobs(
    queue as unknown as AutoStopQueue,
    {
      AUTO_STOP_MINUTE_MS: 60_000,
    } as DeploymentsConfig,
  );
  // One leadership term's timers (LeaderTerm makes one per term).
  const scheduler = new AutoStopScheduler(jobs);
  return { queue, jobs, scheduler };
};

describe('AutoStopScheduler', () => {
  it('schedules one job at resumed_at + remaining, keyed by the service id', async () => {
    const { queue, scheduler } = setup();
    const resumedAt = new Date(Date.now() - 60_000);
    await scheduler.sync(row({ autoStopResumedAt: resumedAt, autoStopRemainingMs: '600000' }));
    expect(queue.jobs.get('s1')?.data).toEqual({
      serviceId: 's1',
      fireAt: resumedAt.getTime() + 600_000,
    });
    const delay = queue.jobs.get('s1')?.delay ?? 0;
    expect(delay).toBeGreaterThan(530_000);
    expect(delay).toBeLessThanOrEqual(540_000);
  });

  it('costs no Redis call while nothing changes, and moves the job when the budget does', async () => {
    const { queue, scheduler } = setup();
    const resumedAt = new Date();
    const running = row({ autoStopResumedAt: resumedAt });
    await scheduler.sync(running);
    const calls = queue.calls;
    await scheduler.sync(running);
    expect(queue.calls).toBe(calls);
    await scheduler.sync(row({ autoStopResumedAt: resumedAt, autoStopRemainingMs: '1000' }));
    expect(queue.jobs.get('s1')?.data.fireAt).toBe(resumedAt.getTime() + 1_000);
  });

  it('removes the job when the clock pauses (stop, failure, delete) or auto stop is off', async () => {
    const { queue, scheduler } = setup();
    await scheduler.sync(row({ autoStopResumedAt: new Date() }));
    expect(queue.jobs.size).toBe(1);
    await scheduler.sync(row({ autoStopResumedAt: null, autoStopRemainingMs: '100000' }));
    expect(queue.jobs.size).toBe(0);
    await scheduler.sync(row({ autoStopResumedAt: new Date() }));
    await scheduler.forget('s1');
    expect(queue.jobs.size).toBe(0);
    await scheduler.sync(row({ autoStopMinutes: null, autoStopRemainingMs: null }));
    expect(queue.jobs.size).toBe(0);
  });

  it('finds the job a previous process scheduled (Redis) and keeps it', async () => {
    const { queue, scheduler } = setup();
    const resumedAt = new Date();
    queue.jobs.set('s1', {
      data: { serviceId: 's1', fireAt: resumedAt.getTime() + 3_600_000 },
      state: 'delayed',
      delay: 1,
    });
    await scheduler.sync(row({ autoStopResumedAt: resumedAt }));
    expect(queue.jobs.get('s1')?.delay).toBe(1); // not re-added
  });

  it("is one term's: the next term re-checks Redis, a disposed one schedules nothing", async () => {
    const { queue, jobs, scheduler } = setup();
    const running = row({ autoStopResumedAt: new Date() });
    await scheduler.sync(running);
    scheduler.dispose();
    queue.jobs.clear(); // e.g. removed while no term held the lease
    await scheduler.sync(running); // a pass of the old term still finishing
    await scheduler.forget('s1');
    expect(queue.jobs.size).toBe(0);
    const calls = queue.calls;
    await new AutoStopScheduler(jobs).sync(running);
    expect(queue.calls).toBeGreaterThan(calls);
    expect(queue.jobs.size).toBe(1);
  });
});
