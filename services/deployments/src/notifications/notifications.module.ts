import { Module } from '@nestjs/common';
import { NotificationDispatcher } from './notification-dispatcher.js';
import { KafkaNotificationSender, WebhookNotificationSender } from './notification-senders.js';
import { NotificationWorker } from './notification.worker.js';
import { NotificationsRepository } from './notifications.repository.js';
import { webhookSecretProvider } from './webhook-secret.js';

/** Event notification (Table 4-4): delivery to Kafka subscriber topics and webhooks. */
@Module({
  providers: [
    NotificationsRepository,
    NotificationDispatcher,
    KafkaNotificationSender,
    WebhookNotificationSender,
    NotificationWorker,
    webhookSecretProvider,
  ],
  exports: [NotificationsRepository, NotificationDispatcher],
})
export class NotificationsModule {}
