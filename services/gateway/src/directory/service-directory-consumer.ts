import { type Kafka } from 'kafkajs';
import {
  type EventsLogger,
  PresetServiceAccessChangedSchema,
  requirePayload,
  ServiceChangedSchema,
  Topic,
  topicName,
  TopicReplayConsumer,
} from '@maas/events';
import { type ServiceDirectory } from './service-directory.js';

export interface ServiceDirectoryConsumerOptions {
  kafka: Kafka;
  directory: ServiceDirectory;
  /** Prepended to the topic name (KAFKA_TOPIC_PREFIX; test runs). */
  topicPrefix?: string;
  /** Base of this process's own consumer group id (default "gateway.service-directory"). */
  groupId?: string;
  /** Longest a fetch waits (default 100 ms): bounds how soon a stopped service stops routing. */
  maxWaitTimeInMs?: number;
  logger?: EventsLogger;
}

export interface ServiceDirectoryStats {
  services: number;
  presetAccess: number;
  ignored: number;
  malformed: number;
}

type Outcome = Exclude<keyof ServiceDirectoryStats, 'malformed'>;

/**
 * Keeps a ServiceDirectory from maas.deployments.v1 (kept forever, not compacted): replays
 * the topic from the beginning with a consumer group of this process alone (every replica
 * needs every partition; TopicReplayConsumer of @maas/events), applies ServiceChanged
 * snapshots and PresetServiceAccessChanged, and skips the other service messages (state
 * changes, QPS changes, notifications: the snapshot that follows each of them carries their
 * effect). `caughtUp` is true (and `ready` resolves) once the history present at start has
 * been applied; `stats()` counts ServiceDirectoryStats.
 */
export class ServiceDirectoryConsumer extends TopicReplayConsumer<Outcome> {
  constructor(options: ServiceDirectoryConsumerOptions) {
    const prefix = options.topicPrefix ?? '';
    const directory = options.directory;
    super({
      kafka: options.kafka,
      topic: topicName(Topic.Deployments, prefix),
      groupName: `${prefix}${options.groupId ?? 'gateway.service-directory'}`,
      outcomes: ['services', 'presetAccess', 'ignored'],
      maxWaitTimeInMs: options.maxWaitTimeInMs,
      logger: options.logger,
      onTombstone: () => 'ignored',
      onEvent: (envelope) => {
        switch (envelope.type) {
          case ServiceChangedSchema.typeName:
            directory.applyServiceChanged(requirePayload(envelope, ServiceChangedSchema));
            return 'services';
          case PresetServiceAccessChangedSchema.typeName:
            directory.applyPresetAccess(requirePayload(envelope, PresetServiceAccessChangedSchema));
            return 'presetAccess';
          default:
            return 'ignored';
        }
      },
    });
  }
}
