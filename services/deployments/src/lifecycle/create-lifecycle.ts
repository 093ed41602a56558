import { type ServiceLifecycle, type TransitionResult } from './lifecycle.types.js';

export interface NewService {
  readonly instances: number;
  readonly modelVersion: string;
  readonly qps: number;
}

/**
 * Deploy (create): a new service starts in `queuing` and waits for its pool to have room
 * for every instance. Its parameters must have been validated (validateDeployRequest).
 */
export function createLifecycle(service: NewService): TransitionResult {
  const lifecycle: ServiceLifecycle = {
    state: 'queuing',
    instances: service.instances,
    modelVersion: service.modelVersion,
    qps: service.qps,
    pending: { op: 'deploy' },
    reason: null,
  };
  return {
    lifecycle,
    changed: true,
    event: {
      reason: 'Queued',
      message: `Deploy requested; waiting for the pool to have room for ${service.instances} instance(s)`,
      from: null,
      to: 'queuing',
    },
    notification: null,
    autoStop: null,
    removed: false,
  };
}
