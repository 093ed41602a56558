import { Inject, Injectable, Logger } from '@nestjs/common';
import { DEPLOYMENTS_CONFIG, type DeploymentsConfig } from '../config.js';
import { NOTIFICATIONS_QUEUE, type NotificationsQueue } from '../jobs/jobs.module.js';
import { JobName } from '../jobs/queues.js';

/** Bounds the wait for Redis: the HTTP answer of the operation must not hang on it. */
const ENQUEUE_TIMEOUT_MS = 2_000;

async function withTimeout<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Hands committed notifications to the notifications queue (job id = notification id, so
 * enqueuing twice is harmless). Never throws: if Redis is down, the maintenance job
 * re-enqueues notifications still pending, so a notification problem never fails (or
 * blocks) the lifecycle operation that raised it.
 */
@Injectable()
export class NotificationDispatcher {
  private readonly logger = new Logger('Notifications');

  constructor(
    @Inject(NOTIFICATIONS_QUEUE) private readonly queue: NotificationsQueue,
    @Inject(DEPLOYMENTS_CONFIG) private readonly config: DeploymentsConfig,
  ) {}

  async enqueue(notificationIds: readonly string[]): Promise<void> {
    if (notificationIds.length === 0) return;
    try {
      await withTimeout(
        ENQUEUE_TIMEOUT_MS,
        this.queue.addBulk(
          notificationIds.map((notificationId) => ({
            name: JobName.DeliverNotification,
            data: { notificationId },
            opts: {
              jobId: notificationId,
              attempts: this.config.NOTIFICATION_MAX_ATTEMPTS,
              backoff: { type: 'exponential', delay: this.config.NOTIFICATION_BACKOFF_MS },
              removeOnComplete: { age: 3600, count: 10_000 },
              removeOnFail: { age: 7 * 86_400 },
            },
          })),
        ),
      );
    } catch (error) {
      this.logger.warn({
        msg: 'cannot enqueue notifications now; the maintenance job will',
        notificationIds,
        err: error,
      });
    }
  }
}
