import { ServiceState } from '@maas/events';
import { type ServiceState as State } from './service-state.js';

/**
 * The wire form of a state in maas.deployments.v1 and in notifications: the proto enum value
 * of an API state (null: the creation's from_state).
 */
export function protoState(state: State | null): ServiceState {
  if (state === null) return ServiceState.UNSPECIFIED;
  return ServiceState[state.toUpperCase() as keyof typeof ServiceState];
}
