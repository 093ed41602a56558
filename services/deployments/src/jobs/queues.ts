/** The BullMQ queues of the deployments service (keys under BULLMQ_PREFIX in Redis). */
export enum QueueName {
  /** One job per notification to deliver (Kafka subscriber topic or webhook), with retries. */
  Notifications = 'deployments-notifications',
  /** Scheduled housekeeping: purge old service events, re-enqueue stranded notifications. */
  Maintenance = 'deployments-maintenance',
}

export enum JobName {
  DeliverNotification = 'deliver-notification',
  PurgeServiceEvents = 'purge-service-events',
  RequeueNotifications = 'requeue-notifications',
}

/** `jobId` = notificationId: BullMQ refuses a second job with the id while one exists. */
export interface DeliverNotificationJob {
  readonly notificationId: string;
}

export type MaintenanceJob = Record<string, never>;
