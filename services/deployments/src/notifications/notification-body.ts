import { type NotificationEntity } from './notification.entity.js';

/** The JSON a webhook receives (snake_case like the rest of the API). */
export interface WebhookNotificationBody {
  notification_id: string;
  topic: string;
  event: string;
  service: { id: string; name: string; project_id: string };
  state: string;
  reason: string;
  message: string;
  occurred_at: string;
}

export function webhookBody(row: NotificationEntity): WebhookNotificationBody {
  return {
    notification_id: row.id,
    topic: row.topic,
    event: row.event,
    service: { id: row.serviceId, name: row.serviceName, project_id: row.projectId },
    state: row.state,
    reason: row.reason,
    message: row.message,
    occurred_at: row.occurredAt.toISOString(),
  };
}
