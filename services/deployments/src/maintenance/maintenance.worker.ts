import { Inject, Injectable } from '@nestjs/common';
import { type Job } from 'bullmq';
import { DEPLOYMENTS_CONFIG, type DeploymentsConfig } from '../config.js';
import { MAINTENANCE_QUEUE, type MaintenanceQueue, RedisConnections } from '../jobs/jobs.module.js';
import { QueueWorker } from '../jobs/queue-worker.js';
import { JobName, type MaintenanceJob, QueueName } from '../jobs/queues.js';
import { NotificationDispatcher } from '../notifications/notification-dispatcher.js';
import { NotificationsRepository } from '../notifications/notifications.repository.js';
import { ServiceEventsRepository } from '../service-events/service-events.repository.js';

/** Notifications pending longer than this are handed to the queue again. */
const STRANDED_AFTER_MS = 60_000;
const REQUEUE_EVERY_MS = 60_000;

export interface MaintenanceResult {
  purged?: number;
  requeued?: number;
}

/**
 * Scheduled housekeeping (BullMQ job schedulers: one schedule per job name in Redis, however
 * many replicas upsert it, and one worker runs each occurrence):
 *
 * - `purge-service-events` every SERVICE_EVENTS_PURGE_EVERY_MS: deletes service events and
 *   notifications older than SERVICE_EVENTS_RETENTION_HOURS (one month by default);
 * - `requeue-notifications` every minute: notifications still pending after a minute (their
 *   enqueue failed, e.g. Redis was down at commit) are enqueued again (same job id: no
 *   duplicate while the first job exists).
 */
@Injectable()
export class MaintenanceWorker extends QueueWorker<MaintenanceJob, MaintenanceResult> {
  constructor(
    private readonly events: ServiceEventsRepository,
    private readonly notifications: NotificationsRepository,
    private readonly dispatcher: NotificationDispatcher,
    redis: RedisConnections,
    @Inject(MAINTENANCE_QUEUE) private readonly queue: MaintenanceQueue,
    @Inject(DEPLOYMENTS_CONFIG) private readonly config: DeploymentsConfig,
  ) {
    super(
      {
        queue: QueueName.Maintenance,
        concurrency: 1,
        connection: 'worker-maintenance',
        logContext: 'Maintenance',
      },
      redis,
      config.WORKERS,
    );
  }

  /** The schedules, upserted by every replica (one schedule per job name in Redis). */
  protected override async beforeStart(): Promise<void> {
    await this.queue.upsertJobScheduler(
      JobName.PurgeServiceEvents,
      { every: this.config.SERVICE_EVENTS_PURGE_EVERY_MS },
      {
        name: JobName.PurgeServiceEvents,
        data: {},
        opts: { removeOnComplete: 100, removeOnFail: 100 },
      },
    );
    await this.queue.upsertJobScheduler(
      JobName.RequeueNotifications,
      { every: REQUEUE_EVERY_MS },
      {
        name: JobName.RequeueNotifications,
        data: {},
        opts: { removeOnComplete: 100, removeOnFail: 100 },
      },
    );
  }

  protected process(job: Job<MaintenanceJob>): Promise<MaintenanceResult> {
    return this.run(job);
  }

  async run(job: Job<MaintenanceJob>): Promise<MaintenanceResult> {
    switch (job.name as JobName) {
      case JobName.PurgeServiceEvents:
        return { purged: await this.purge() };
      case JobName.RequeueNotifications:
        return { requeued: await this.requeue() };
      case JobName.DeliverNotification:
      case JobName.AutoStop:
        return {};
    }
  }

  /** Deletes what is older than the retention; returns how many events went. */
  async purge(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.config.SERVICE_EVENTS_RETENTION_HOURS * 3_600_000);
    const events = await this.events.purgeBefore(cutoff);
    const notifications = await this.notifications.purgeBefore(cutoff);
    if (events + notifications > 0)
      this.logger.log({ msg: 'purged old service events', events, notifications, cutoff });
    return events;
  }

  private async requeue(): Promise<number> {
    const ids = await this.notifications.pendingBefore(
      new Date(Date.now() - STRANDED_AFTER_MS),
      500,
    );
    await this.dispatcher.enqueue(ids);
    return ids.length;
  }
}
