export { eventually, type EventuallyOptions, type Falsy, type Truthy } from './eventually.js';
export { newSigningKeyPem, quiet, withDb } from './helpers.js';
export { uniqueName, uniqueTopicPrefix } from './isolation.js';
export { KafkaFaultProxy, type SocketFactoryArgs } from './kafka-fault-proxy.js';
export { hostPort, tcpReachable } from './probe.js';
export {
  loadStackEnv,
  parseExports,
  repoRoot,
  STACK_UP_COMMAND,
  StackNotRunningError,
  type StackEnv,
} from './stack-env.js';
export { LOADED_MACHINE_ROOM, reportTiming, withRoom } from './timing.js';
