import { Inject, Injectable } from '@nestjs/common';
import { type Job } from 'bullmq';
import { maskUrlCredentials } from '@maas/observability';
import { DEPLOYMENTS_CONFIG, type DeploymentsConfig } from '../config.js';
import { RedisConnections } from '../jobs/jobs.module.js';
import { QueueWorker } from '../jobs/queue-worker.js';
import { type DeliverNotificationJob, QueueName } from '../jobs/queues.js';
import { notificationTarget } from '../validation/index.js';
import { KafkaNotificationSender, WebhookNotificationSender } from './notification-senders.js';
import { NotificationsRepository } from './notifications.repository.js';

/**
 * Delivers notifications: publishes to the subscriber's Kafka topic or POSTs the signed
 * webhook. A failure throws, and BullMQ retries with exponential back-off up to
 * NOTIFICATION_MAX_ATTEMPTS; each attempt is recorded on the notification row, which ends
 * `delivered` or `failed`. Runs apart from the lifecycle: a failing webhook never blocks it.
 */
@Injectable()
export class NotificationWorker extends QueueWorker<DeliverNotificationJob, void> {
  constructor(
    private readonly notifications: NotificationsRepository,
    private readonly kafka: KafkaNotificationSender,
    private readonly webhooks: WebhookNotificationSender,
    redis: RedisConnections,
    @Inject(DEPLOYMENTS_CONFIG) config: DeploymentsConfig,
  ) {
    super(
      {
        queue: QueueName.Notifications,
        concurrency: 8,
        connection: 'worker-notifications',
        logContext: 'NotificationWorker',
      },
      redis,
      config.WORKERS,
    );
  }

  protected process(job: Job<DeliverNotificationJob>): Promise<void> {
    return this.deliver(job);
  }

  async deliver(job: Job<DeliverNotificationJob>): Promise<void> {
    const row = await this.notifications.find(job.data.notificationId);
    if (!row || row.status !== 'pending') return; // purged, or done by an earlier run
    const attempt = job.attemptsMade + 1;
    const target = notificationTarget(row.topic);
    try {
      if (target.kind === 'kafka') await this.kafka.send(row, target.topic);
      else await this.webhooks.send(row, target.url);
    } catch (error) {
      const final = attempt >= (job.opts.attempts ?? 1);
      // The row's last error is shown to the owner: no credential of a webhook URL in it.
      const message = maskUrlCredentials(error instanceof Error ? error.message : String(error));
      await this.notifications.attemptFailed(row.id, attempt, message, final);
      this.logger.warn({
        msg: 'notification attempt failed',
        id: row.id,
        attempt,
        final,
        err: error,
      });
      throw error;
    }
    await this.notifications.delivered(row.id, attempt);
  }
}
