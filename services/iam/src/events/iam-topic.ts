import { type TopicSpec, Topic } from '@maas/events';

/**
 * maas.iam.v1 keeps every message forever (retention.ms=-1): a consumer rebuilds its
 * projection of users, permissions and projects from scratch by replaying it from the
 * beginning (the latest UserPermissionsChanged / ProjectChanged per key is the state).
 */
export const IAM_TOPIC: TopicSpec = {
  topic: Topic.Iam,
  configs: { 'retention.ms': '-1', 'cleanup.policy': 'delete' },
};
