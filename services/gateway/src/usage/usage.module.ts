import {
  type DynamicModule,
  Injectable,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { type Kafka } from 'kafkajs';
import { eventsLogger, KAFKA } from '@maas/nest-events';
import { MetricsService } from '@maas/observability';
import { KafkaUsageRecorder, type KafkaUsageRecorderOptions } from './kafka-usage-recorder.js';
import { type UsageConfig } from './usage.config.js';
import { UsageRecorder } from './usage-record.js';
import { KafkaUsageTransport } from './usage-transport.js';

/** What the usage module needs of the gateway's configuration. */
export type UsageModuleConfig = UsageConfig & {
  readonly KAFKA_TOPIC_PREFIX: string;
  readonly KAFKA_TOPIC_PARTITIONS: number;
  readonly KAFKA_REPLICATION_FACTOR: number;
};

/** The recorder's options from the gateway's configuration. */
export function usageRecorderOptions(
  config: UsageModuleConfig,
  kafka: Kafka,
  extra: Pick<KafkaUsageRecorderOptions, 'registry' | 'logger'> = {},
): KafkaUsageRecorderOptions {
  const logger = extra.logger ?? eventsLogger('Usage');
  return {
    transport: new KafkaUsageTransport({
      kafka,
      topicPrefix: config.KAFKA_TOPIC_PREFIX,
      partitions: config.KAFKA_TOPIC_PARTITIONS,
      replicationFactor: config.KAFKA_REPLICATION_FACTOR,
      logger,
    }),
    spillDir: config.USAGE_SPILL_DIR,
    spillMaxBytes: config.USAGE_SPILL_MAX_BYTES,
    batchSize: config.USAGE_BATCH_SIZE,
    flushIntervalMs: config.USAGE_FLUSH_INTERVAL_MS,
    bufferMax: config.USAGE_BUFFER_MAX,
    sendStallMs: config.USAGE_SEND_STALL_MS,
    shutdownTimeoutMs: config.USAGE_SHUTDOWN_TIMEOUT_MS,
    registry: extra.registry,
    logger,
  };
}

/**
 * The recorder tied to the application's lifecycle: started at bootstrap (the spill of a
 * previous process is replayed), stopped at shutdown — after the HTTP server has closed and
 * drained, so the last requests' usage is sent (or spilled) too.
 */
@Injectable()
export class UsageRecorderLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(private readonly recorder: KafkaUsageRecorder) {}

  onApplicationBootstrap(): Promise<void> {
    return this.recorder.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.recorder.stop();
  }
}

/**
 * UsageRecorder (the token the request pipeline injects) as a KafkaUsageRecorder, its
 * metrics on the service's registry. Needs KAFKA (KafkaModule) and MetricsService
 * (ObservabilityModule).
 */
@Module({})
export class UsageModule {
  static forRoot(config: UsageModuleConfig): DynamicModule {
    return {
      module: UsageModule,
      global: true,
      providers: [
        {
          provide: KafkaUsageRecorder,
          inject: [KAFKA, MetricsService],
          useFactory: (kafka: Kafka, metrics: MetricsService) =>
            new KafkaUsageRecorder(
              usageRecorderOptions(config, kafka, { registry: metrics.registry }),
            ),
        },
        { provide: UsageRecorder, useExisting: KafkaUsageRecorder },
        UsageRecorderLifecycle,
      ],
      exports: [UsageRecorder, KafkaUsageRecorder],
    };
  }
}
