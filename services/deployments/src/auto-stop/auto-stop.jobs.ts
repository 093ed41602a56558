import { Inject, Injectable } from '@nestjs/common';
import { DEPLOYMENTS_CONFIG, type DeploymentsConfig } from '../config.js';
import { AUTO_STOP_QUEUE, type AutoStopQueue } from '../jobs/jobs.module.js';
import { JobName } from '../jobs/queues.js';
import { autoStopDeadline } from '../model-services/auto-stop-budget.js';
import { type ModelServiceEntity } from '../model-services/model-service.entity.js';
import { budgetOf } from '../model-services/service-row.js';

/**
 * The auto-stop jobs in Redis (Table 4-4): one BullMQ delayed job per service whose clock
 * runs (job id = service id, so never two), firing at `auto_stop_resumed_at +
 * auto_stop_remaining_ms`. Jobs survive restarts and leadership terms; what a term scheduled
 * is remembered by that term's AutoStopScheduler, not here.
 */
@Injectable()
export class AutoStopJobs {
  constructor(
    @Inject(AUTO_STOP_QUEUE) private readonly queue: AutoStopQueue,
    @Inject(DEPLOYMENTS_CONFIG) private readonly config: DeploymentsConfig,
  ) {}

  /** When the service stops by itself, or null (auto stop off, or the clock paused). */
  fireAtOf(row: ModelServiceEntity): number | null {
    return autoStopDeadline(budgetOf(row, this.config.AUTO_STOP_MINUTE_MS))?.getTime() ?? null;
  }

  /** Makes the service's job fire at `fireAt` (null: no job), keeping one that already does. */
  async schedule(serviceId: string, fireAt: number | null): Promise<void> {
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
