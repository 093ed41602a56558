import { type ServiceState } from './service-state.js';

/**
 * Events a service can subscribe to for notification (Table 4-4 "Event Notification": "for
 * example, Running, Terminated, or Failed"). Alarm and Deleted are ours.
 */
export const NOTIFICATION_EVENTS = ['Running', 'Alarm', 'Terminated', 'Failed', 'Deleted'] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

const ON_ENTERING: Partial<Record<ServiceState, NotificationEvent>> = {
  running: 'Running',
  alarm: 'Alarm',
  stopped: 'Terminated',
  deployment_failed: 'Failed',
};

/** The notification a move into `state` raises (null for states nobody subscribes to). */
export function notificationOnEntering(state: ServiceState): NotificationEvent | null {
  return ON_ENTERING[state] ?? null;
}
