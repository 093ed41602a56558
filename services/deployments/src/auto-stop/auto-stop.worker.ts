import { Inject, Injectable } from '@nestjs/common';
import { DelayedError, type Job } from 'bullmq';
import { DEPLOYMENTS_CONFIG, type DeploymentsConfig } from '../config.js';
import { RedisConnections } from '../jobs/jobs.module.js';
import { QueueWorker } from '../jobs/queue-worker.js';
import { type AutoStopJob, QueueName } from '../jobs/queues.js';
import { WrongStateError } from '../lifecycle/index.js';
import { autoStopDeadline } from '../model-services/auto-stop-budget.js';
import { ModelServicesRepository } from '../model-services/model-services.repository.js';
import { ServiceLifecycleStore } from '../model-services/service-lifecycle.store.js';
import { budgetOf } from '../model-services/service-row.js';

/** A stop not allowed right now (scaling, upgrading) is tried again this much later. */
const NOT_NOW_RETRY_MS = 5_000;
/** A job this early (clock skew, a budget that grew) waits again instead of stopping. */
const EARLY_TOLERANCE_MS = 200;

export type AutoStopResult = 'stopped' | 'gone' | 'paused';

/**
 * Runs the auto-stop jobs (every replica with WORKERS=true; no leadership needed: the stop
 * goes through the lifecycle store, whose optimistic version makes it happen once). A job
 * re-reads the service: no clock running → nothing to do; the deadline moved later → the
 * job waits again until then; otherwise `stop` with source `auto_stop` (the event is
 * AutoStopTriggered and the budget resets for the next start).
 */
@Injectable()
export class AutoStopWorker extends QueueWorker<AutoStopJob, AutoStopResult> {
  constructor(
    private readonly services: ModelServicesRepository,
    private readonly store: ServiceLifecycleStore,
    redis: RedisConnections,
    @Inject(DEPLOYMENTS_CONFIG) private readonly config: DeploymentsConfig,
  ) {
    super(
      {
        queue: QueueName.AutoStop,
        concurrency: 4,
        connection: 'worker-auto-stop',
        logContext: 'AutoStop',
      },
      redis,
      config.WORKERS,
    );
  }

  protected process(job: Job<AutoStopJob>, token?: string): Promise<AutoStopResult> {
    return this.fire(job, token);
  }

  async fire(job: Job<AutoStopJob>, token?: string): Promise<AutoStopResult> {
    const { serviceId } = job.data;
    const row = await this.services.findById(serviceId);
    if (!row) return 'gone';
    const deadline = autoStopDeadline(budgetOf(row, this.config.AUTO_STOP_MINUTE_MS));
    if (!deadline) return 'paused';
    if (deadline.getTime() > Date.now() + EARLY_TOLERANCE_MS)
      return this.later(job, deadline.getTime(), token);
    try {
      await this.store.apply(
        { serviceId, ifVersion: row.version },
        { type: 'stop', source: 'auto_stop' },
      );
      this.logger.log({ msg: 'auto stop: running time reached the limit', serviceId });
      return 'stopped';
    } catch (error) {
      if (error instanceof WrongStateError)
        return this.later(job, Date.now() + NOT_NOW_RETRY_MS, token);
      throw error; // a concurrent change: BullMQ retries, and the next run re-reads
    }
  }

  private async later(job: Job<AutoStopJob>, at: number, token?: string): Promise<never> {
    await job.moveToDelayed(at, token);
    throw new DelayedError();
  }
}
