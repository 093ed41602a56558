import { type DescMessage } from '@bufbuild/protobuf';

/**
 * The Kafka topics, one per bounded context (SPEC §9). Each topic carries the messages of
 * the protobuf package of the same name, so a payload's package names its topic.
 */
export const Topic = {
  Iam: 'maas.iam.v1',
  Deployments: 'maas.deployments.v1',
  Keys: 'maas.keys.v1',
  Quotas: 'maas.quotas.v1',
  Usage: 'maas.usage.v1',
} as const;
export type Topic = (typeof Topic)[keyof typeof Topic];

export const ALL_TOPICS: readonly Topic[] = Object.values(Topic);

const known = new Set<string>(ALL_TOPICS);

export function isTopic(name: string): name is Topic {
  return known.has(name);
}

/**
 * The physical topic name: `prefix` + topic. The prefix isolates one environment or one
 * test run on a shared cluster (e.g. `t_lx3k_a1b2c3.maas.iam.v1`); production uses none.
 */
export function topicName(topic: Topic, prefix = ''): string {
  return `${prefix}${topic}`;
}

/** The topic of an event message: its protobuf package (maas.iam.v1.UserCreated → maas.iam.v1). */
export function topicOf(schema: DescMessage): Topic {
  const pkg = schema.file.proto.package;
  if (!isTopic(pkg)) {
    throw new Error(`${schema.typeName} is not an event message: package ${pkg} is not a topic`);
  }
  return pkg;
}
