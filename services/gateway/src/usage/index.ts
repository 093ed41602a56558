// Usage of inference requests: UsageRecorded on maas.usage.v1, batched off the hot path,
// spilled to disk while Kafka is out (see KafkaUsageRecorder).
export {
  errorMessage,
  pendingUsage,
  type PendingUsage,
  type UsageMessage,
  usageEvent,
  usageMessage,
  type UsageRecord,
  UsageRecorder,
} from './usage-record.js';
export { KafkaUsageRecorder, type KafkaUsageRecorderOptions } from './kafka-usage-recorder.js';
export {
  KafkaUsageTransport,
  type KafkaUsageTransportOptions,
  type UsageTransport,
} from './usage-transport.js';
export { type UsageRecorderStats } from './usage.metrics.js';
export { usageConfig, type UsageConfig } from './usage.config.js';
export { usageRecorderOptions, UsageModule } from './usage.module.js';
