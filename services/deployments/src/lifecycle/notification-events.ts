import { type NotificationEvent } from '../validation/notification-events.js';
import { type ServiceState } from './service-state.js';

export { NOTIFICATION_EVENTS, type NotificationEvent } from '../validation/notification-events.js';

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
