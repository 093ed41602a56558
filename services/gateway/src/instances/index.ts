// The gateway's view of ready model-server instances (EndpointSlices, SPEC §8).
export {
  InstancePool,
  PORT_NAME,
  SERVICE_ID_LABEL,
  SERVICE_NAME_LABEL,
  serviceKey,
  type InstanceLease,
  type InstanceView,
} from './instance-pool.js';
export {
  InstanceRegistry,
  type InstanceRegistryOptions,
  type ServiceRef,
} from './instance-registry.js';
