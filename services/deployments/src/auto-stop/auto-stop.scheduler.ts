import { type ModelServiceEntity } from '../model-services/model-service.entity.js';
import { type AutoStopJobs } from './auto-stop.jobs.js';

/**
 * The auto-stop timers of one leadership term: the reconciler calls `sync` on every pass; a
 * paused clock (stopped, failed, deleting: the lifecycle pauses the budget) removes the
 * service's job, a resumed one (re)schedules it at its new time (AutoStopJobs). What this
 * term scheduled is remembered, so a steady service costs no Redis call. Made when the term
 * begins, so a new term knows nothing and re-checks Redis once per service; disposed when
 * it ends, after which a pass of the old term still finishing writes no job (the new
 * leader's passes do).
 */
export class AutoStopScheduler {
  private readonly scheduled = new Map<string, number | null>();
  private disposed = false;

  constructor(private readonly jobs: AutoStopJobs) {}

  async sync(row: ModelServiceEntity): Promise<void> {
    const fireAt = this.jobs.fireAtOf(row);
    if (this.disposed || this.scheduled.get(row.id) === fireAt) return;
    await this.jobs.schedule(row.id, fireAt);
    this.scheduled.set(row.id, fireAt);
  }

  /** The service is gone: drop its job. */
  async forget(serviceId: string): Promise<void> {
    if (this.disposed) return;
    if (this.scheduled.has(serviceId) && this.scheduled.get(serviceId) === null) return;
    await this.jobs.schedule(serviceId, null);
    this.scheduled.set(serviceId, null);
  }

  /** The term ended: forget what was scheduled and schedule nothing more. */
  dispose(): void {
    this.disposed = true;
    this.scheduled.clear();
  }
}
