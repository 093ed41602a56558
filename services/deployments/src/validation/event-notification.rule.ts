import { type FieldProblem } from './invalid-fields.error.js';
import { NOTIFICATION_EVENTS, type NotificationEvent } from './notification-events.js';
import { notificationTopicProblem, type TopicRules } from './notification-topic.js';
import { type Checked, invalid, valid } from './rule.js';

export interface EventNotification {
  /** A Kafka topic name or a webhook URL (see notification-topic.ts). */
  readonly topic: string;
  readonly events: readonly NotificationEvent[];
}

/** Table 4-4: off by default; when on, a topic and a subset of the events. */
export function checkEventNotification(
  value: unknown,
  rules: TopicRules = {},
): Checked<EventNotification | null> {
  if (value === undefined || value === null) return valid(null);
  if (typeof value !== 'object' || typeof (value as { enabled?: unknown }).enabled !== 'boolean')
    return invalid({ field: 'event_notification.enabled', problem: 'must be true or false' });
  const { enabled, topic, events } = value as {
    enabled: boolean;
    topic?: unknown;
    events?: unknown;
  };
  if (!enabled) return valid(null);
  const topicProblem = notificationTopicProblem(topic, rules);
  const problems = [
    ...(topicProblem ? [{ field: 'event_notification.topic', problem: topicProblem }] : []),
    ...eventsProblems(events),
  ];
  if (problems.length > 0) return invalid(...problems);
  return valid({ topic: topic as string, events: [...new Set(events as NotificationEvent[])] });
}

function eventsProblems(events: unknown): FieldProblem[] {
  const allowed = NOTIFICATION_EVENTS.join(', ');
  if (!Array.isArray(events) || events.length === 0)
    return [
      {
        field: 'event_notification.events',
        problem: `must list at least one of ${allowed} when notification is enabled`,
      },
    ];
  return events.flatMap((event: unknown, i) =>
    (NOTIFICATION_EVENTS as readonly unknown[]).includes(event)
      ? []
      : [{ field: `event_notification.events[${i}]`, problem: `must be one of ${allowed}` }],
  );
}
