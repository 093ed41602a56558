/**
 * Events a service can subscribe to for notification (Table 4-4 "Event Notification": "for
 * example, Running, Terminated, or Failed"). Alarm and Deleted are ours. Which state raises
 * which event is the lifecycle's business (`notificationOnEntering`).
 */
export const NOTIFICATION_EVENTS = ['Running', 'Alarm', 'Terminated', 'Failed', 'Deleted'] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];
