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
export {
  brokerList,
  httpUrl,
  LOG_LEVELS,
  logLevel,
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
