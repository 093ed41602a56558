// The gateway's projection of model services (maas.deployments.v1, SPEC §8 routing).
export {
  isCallableState,
  ServiceDirectory,
  stateName,
  toRoutable,
  type PresetAccessChange,
  type Resolution,
  type ResolutionFailure,
  type RoutableService,
  type ServiceDirectoryOptions,
  type ServiceSnapshot,
} from './service-directory.js';
export {
  ServiceDirectoryConsumer,
  type ServiceDirectoryConsumerOptions,
  type ServiceDirectoryStats,
} from './service-directory-consumer.js';
export {
  TopicReplayConsumer,
  type ReplayedRecord,
  type TopicReplayConsumerOptions,
} from './topic-replay-consumer.js';
