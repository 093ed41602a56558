import { type TopicSpec, Topic } from '@maas/events';

/**
 * maas.deployments.v1 keeps every message (retention.ms=-1), like maas.iam.v1: the gateway
 * rebuilds its projection of services by replaying it (the latest ServiceChanged per service
 * id is the state). Volume is low: a few messages per lifecycle transition.
 */
export const DEPLOYMENTS_TOPIC: TopicSpec = {
  topic: Topic.Deployments,
  configs: { 'retention.ms': '-1', 'cleanup.policy': 'delete' },
};
