import { Inject, Injectable } from '@nestjs/common';
import { DEPLOYMENTS_CONFIG, type DeploymentsConfig } from '../config.js';
import { AUTO_STOP_QUEUE, type AutoStopQueue } from '../jobs/jobs.module.js';
import { JobName } from '../jobs/queues.js';
import { autoStopDeadline } from '../model-services/auto-stop-budget.js';
import { type ModelServiceEntity } from '../model-services/model-service.entity.js';
import { budgetOf } from '../model-services/service-row.js';

/**
 * Keeps one BullMQ delayed job per service whose auto-stop clock runs (job id = service id,
 * so never two), firing at `auto_stop_resumed_at + auto_stop_remaining_ms`. The reconciler
 * calls `sync` on every pass: a paused clock (stopped, failed, deleting: the lifecycle
 * pauses the budget) removes the job, a resumed one (re)schedules it at its new time. Jobs
 * live in Redis and survive restarts; what this process last scheduled is remembered so a
 * steady service costs no Redis call.
 */
@Injectable()
export class AutoStopScheduler {
  private readonly scheduled = new Map<string, number | null>();

  constructor(
    @Inject(AUTO_STOP_QUEUE) private readonly queue: AutoStopQueue,
    @Inject(DEPLOYMENTS_CONFIG) private readonly config: DeploymentsConfig,
  ) {}

  /** When the service stops by itself, or null (auto stop off, or the clock paused). */
  fireAtOf(row: ModelServiceEntity): number | null {
    return autoStopDeadline(budgetOf(row, this.config.AUTO_STOP_MINUTE_MS))?.getTime() ?? null;
  }

  async sync(row: ModelServiceEntity): Promise<void> {
    const fireAt = this.fireAtOf(row);
    if (this.scheduled.get(row.id) === fireAt) return;
    await this.schedule(row.id, fireAt);
    this.scheduled.set(row.id, fireAt);
  }

  /** The service is gone: drop its job. */
  async forget(serviceId: string): Promise<void> {
    if (this.scheduled.has(serviceId) && this.scheduled.get(serviceId) === null) return;
    await this.schedule(serviceId, null);
    this.scheduled.set(serviceId, null);
  }

  /** Forgets what was scheduled (a new leadership term re-checks Redis). */
  reset(): void {
    this.scheduled.clear();
  }

  private async schedule(serviceId: string, fireAt: number | null): Promise<void> {
    const job = await this.queue.getJob(serviceId);
    if (job) {
      const state = await job.getState();
      const pending = state === 'delayed' || state === 'waiting' || state === 'prioritized';
      if (pending && job.data.fireAt === fireAt) return;
      // A job running right now re-reads the service and re-delays itself if it must.
      if (state === 'active') return;
      await job.remove();
    }
    if (fireAt === null) return;
    await this.queue.add(
      JobName.AutoStop,
      { serviceId, fireAt },
      {
        jobId: serviceId,
        delay: Math.max(0, fireAt - Date.now()),
        attempts: 10,
        backoff: { type: 'exponential', delay: 1_000 },
        removeOnComplete: true,
        removeOnFail: { age: 7 * 86_400 },
      },
    );
  }
}
