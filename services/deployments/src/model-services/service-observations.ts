import { Injectable } from '@nestjs/common';
import { type Observation } from '../lifecycle/index.js';
import { type ModelServiceEntity } from './model-service.entity.js';
import { ModelServicesRepository, type ObservedStatus } from './model-services.repository.js';
import { type Outcome, ServiceLifecycleStore } from './service-lifecycle.store.js';

/**
 * The reconciler's way in (issue 5): what it observes in Kubernetes, applied to a service.
 *
 * - `apply(serviceId, observation)`: a lifecycle observation (`admitted`, `all_ready`,
 *   `some_unhealthy`, `failed`, `pods_gone`, `deleted`) through the same state machine and
 *   store as the API's commands: one event, outbox messages and notification per
 *   transition; `changed: false` for a level-triggered repeat. A conflict
 *   (ObservationNotApplicableError, ServiceModifiedError) means the pass was stale: re-read
 *   and recompute.
 * - `record(serviceId, observed)`: observed fields (ready instances, per-instance status,
 *   usage, queue position, observed generation), written only when they differ.
 */
@Injectable()
export class ServiceObservations {
  constructor(
    private readonly store: ServiceLifecycleStore,
    private readonly services: ModelServicesRepository,
  ) {}

  /**
   * @param ifVersion the version of the row the observation was computed from; when given, a
   *   service changed meanwhile is not touched (ServiceModifiedError: the pass was stale).
   */
  apply(serviceId: string, observation: Observation, ifVersion?: number): Promise<Outcome> {
    return this.store.apply(
      { serviceId, ...(ifVersion === undefined ? {} : { ifVersion }) },
      observation,
    );
  }

  record(serviceId: string, observed: ObservedStatus): Promise<boolean> {
    return this.services.recordObserved(serviceId, observed);
  }

  find(serviceId: string): Promise<ModelServiceEntity | null> {
    return this.services.findById(serviceId);
  }
}
