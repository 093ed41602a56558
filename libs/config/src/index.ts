export {
  ConfigError,
  describeConfig,
  loadConfig,
  loadConfigOrExit,
  REDACTED,
  redactUrl,
  secret,
  type Config,
  type ConfigProblem,
  type ConfigSchema,
} from './config.js';
export { type DeprecatedSettingsResult, withDeprecatedSettings } from './deprecated-settings.js';
export {
  endpointOverride,
  EndpointOverrideError,
  ipv4ToInt,
  NO_OVERRIDE,
  parseEndpointOverride,
  type EndpointOverride,
} from './endpoint-override.js';
export {
  consumersConfig,
  databaseConfig,
  httpServerConfig,
  iamClientConfig,
  kafkaConfig,
  kafkaTopicPrefixConfig,
  logConfig,
  migrationsConfig,
  MIN_OPERATOR_TOKEN_LENGTH,
  operatorConfig,
  outboxRelayConfig,
} from './fragments.js';
export {
  brokerList,
  httpUrl,
  intBetween,
  LOG_LEVELS,
  logLevel,
  minLength,
  NODE_ENVS,
  nodeEnv,
  postgresUrl,
  redisUrl,
  sqlIdentifier,
  type LogLevel,
  type NodeEnv,
} from './validators.js';
// envalid's own validators, so a schema imports everything from one place.
export { bool, host, json, num, port, str, url } from 'envalid';
