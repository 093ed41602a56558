import { type Kafka } from 'kafkajs';
import {
  decodeEnvelope,
  type EventsLogger,
  PresetServiceAccessChangedSchema,
  ServiceChangedSchema,
  stderrLogger,
  Topic,
  topicName,
  unpackPayload,
} from '@maas/events';
import { type ServiceDirectory } from './service-directory.js';
import { type ReplayedRecord, TopicReplayConsumer } from './topic-replay-consumer.js';

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

/**
 * Keeps a ServiceDirectory from maas.deployments.v1 (kept forever, not compacted): replays
 * the topic from the beginning with a consumer group of this process alone (every replica
 * needs every partition), applies ServiceChanged snapshots and PresetServiceAccessChanged,
 * and skips the other service messages (state changes, QPS changes, notifications: the
 * snapshot that follows each of them carries their effect). `caughtUp` is true once the
 * history present at start has been applied.
 */
export class ServiceDirectoryConsumer {
  private readonly replay: TopicReplayConsumer;
  private readonly logger: EventsLogger;
  private readonly counters: ServiceDirectoryStats = {
    services: 0,
    presetAccess: 0,
    ignored: 0,
    malformed: 0,
  };

  constructor(private readonly options: ServiceDirectoryConsumerOptions) {
    const prefix = options.topicPrefix ?? '';
    this.logger = options.logger ?? stderrLogger;
    this.replay = new TopicReplayConsumer({
      kafka: options.kafka,
      topic: topicName(Topic.Deployments, prefix),
      groupId: `${prefix}${options.groupId ?? 'gateway.service-directory'}`,
      maxWaitTimeInMs: options.maxWaitTimeInMs,
      logger: this.logger,
      onRecord: (record) => this.apply(record),
    });
  }

  get caughtUp(): boolean {
    return this.replay.caughtUp;
  }

  /** Resolves once caught up (never rejects; pair it with a timeout where needed). */
  get ready(): Promise<void> {
    return this.replay.ready;
  }

  get groupId(): string {
    return this.replay.groupId;
  }

  stats(): ServiceDirectoryStats {
    return { ...this.counters };
  }

  start(): Promise<void> {
    return this.replay.start();
  }

  stop(): Promise<void> {
    return this.replay.stop();
  }

  private apply({ value, partition, offset }: ReplayedRecord): void {
    if (value === null) {
      this.counters.ignored += 1;
      return;
    }
    try {
      const envelope = decodeEnvelope(value);
      if (envelope.type === ServiceChangedSchema.typeName) {
        const payload = unpackPayload(envelope, ServiceChangedSchema);
        if (!payload) throw new Error('payload is not a ServiceChanged');
        this.options.directory.applyServiceChanged(payload);
        this.counters.services += 1;
      } else if (envelope.type === PresetServiceAccessChangedSchema.typeName) {
        const payload = unpackPayload(envelope, PresetServiceAccessChangedSchema);
        if (!payload) throw new Error('payload is not a PresetServiceAccessChanged');
        this.options.directory.applyPresetAccess(payload);
        this.counters.presetAccess += 1;
      } else {
        this.counters.ignored += 1;
      }
    } catch (error) {
      this.counters.malformed += 1;
      this.logger.error(
        {
          topic: this.replay.topic,
          partition,
          offset,
          err: error instanceof Error ? error.message : String(error),
        },
        'skipping a malformed maas.deployments.v1 message',
      );
    }
  }
}
