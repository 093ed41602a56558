/** The BullMQ queues of the deployments service (keys under BULLMQ_PREFIX in Redis). */
export enum QueueName {
  /** One job per notification to deliver (Kafka subscriber topic or webhook), with retries. */
  Notifications = 'deployments-notifications',
  /** Scheduled housekeeping: purge old service events, re-enqueue stranded notifications. */
  Maintenance = 'deployments-maintenance',
  /** One delayed job per service with an auto-stop clock running (job id = service id). */
  AutoStop = 'deployments-auto-stop',
}

export enum JobName {
  DeliverNotification = 'deliver-notification',
  PurgeServiceEvents = 'purge-service-events',
  RequeueNotifications = 'requeue-notifications',
  AutoStop = 'auto-stop',
}

/** `jobId` = notificationId: BullMQ refuses a second job with the id while one exists. */
export interface DeliverNotificationJob {
  readonly notificationId: string;
}

export type MaintenanceJob = Record<string, never>;

/**
 * `jobId` = serviceId: at most one auto-stop job per service. Fires at `fireAt` (epoch ms),
 * when the service's running time reaches its auto-stop limit.
 */
export interface AutoStopJob {
  readonly serviceId: string;
  readonly fireAt: number;
}
