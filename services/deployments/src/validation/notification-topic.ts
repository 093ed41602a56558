/**
 * Where a service's notifications go: `event_notification.topic` of the deploy request is
 * either
 *
 * - a **Kafka topic name** (1-249 of letters, digits, `.`, `_`, `-`, starting with a letter or
 *   digit; not `maas.…`, which is the platform's own, nor `__…`, Kafka's internal): each
 *   notification is published to that topic (after KAFKA_TOPIC_PREFIX; created on first use)
 *   as a `maas.deployments.v1.ServiceNotification` envelope keyed by the service id; or
 * - an **HTTP(S) webhook URL** (`https://…`, or `http://…` where the installation allows it;
 *   at most 2,048 characters, no user:password part, no fragment): each notification is
 *   POSTed there as JSON, signed with `X-MaaS-Signature: t=<unix seconds>,v1=<hex
 *   HMAC-SHA256 of "<t>.<body>">`, retried with exponential back-off until a 2xx answer.
 *
 * Either way it is also published on maas.deployments.v1 (ServiceNotification).
 */
export type NotificationTarget =
  | { readonly kind: 'kafka'; readonly topic: string }
  | { readonly kind: 'webhook'; readonly url: string };

export const KAFKA_TOPIC_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,248}$/;
export const RESERVED_TOPIC_PREFIXES = ['maas.', '__'] as const;
export const MAX_WEBHOOK_URL_LENGTH = 2048;

export interface TopicRules {
  /** Accept `http://` webhook URLs (always `https://`). */
  readonly allowHttp?: boolean;
}

function isUrlLike(topic: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(topic);
}

/** The target of a topic that passed `notificationTopicProblem`. */
export function notificationTarget(topic: string): NotificationTarget {
  return isUrlLike(topic) ? { kind: 'webhook', url: topic } : { kind: 'kafka', topic };
}

/** Why `topic` is not a valid notification topic (completes "topic …"), or null. */
export function notificationTopicProblem(topic: unknown, rules: TopicRules = {}): string | null {
  if (typeof topic !== 'string' || topic === '')
    return 'is required when notification is enabled: a Kafka topic name or an https:// webhook URL';
  return isUrlLike(topic) ? webhookProblem(topic, rules) : kafkaTopicProblem(topic);
}

function kafkaTopicProblem(topic: string): string | null {
  if (!KAFKA_TOPIC_PATTERN.test(topic))
    return 'must be a Kafka topic name (1 to 249 letters, digits, dots, hyphens and underscores, starting with a letter or digit) or an https:// webhook URL';
  const reserved = RESERVED_TOPIC_PREFIXES.find((prefix) => topic.startsWith(prefix));
  return reserved ? `must not start with "${reserved}" (reserved for the platform)` : null;
}

function webhookProblem(topic: string, rules: TopicRules): string | null {
  const schemes = rules.allowHttp ? 'https:// or http://' : 'https://';
  let url: URL;
  try {
    url = new URL(topic);
  } catch {
    return `must be a valid ${schemes} URL`;
  }
  const allowed =
    url.protocol === 'https:' || (rules.allowHttp === true && url.protocol === 'http:');
  if (!allowed) return `must be a ${schemes} URL`;
  if (topic.length > MAX_WEBHOOK_URL_LENGTH)
    return `must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`;
  if (url.username || url.password) return 'must not contain a user name or password';
  if (url.hash) return 'must not contain a fragment (#…)';
  return null;
}
