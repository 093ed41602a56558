import { Injectable } from '@nestjs/common';
import { type Observation } from '../lifecycle/index.js';
import { type ModelServiceEntity } from './model-service.entity.js';
import {
  type AdmittedRow,
  ModelServicesRepository,
  type ObservedStatus,
  type QueuedRow,
} from './model-services.repository.js';
import { type Outcome, ServiceLifecycleStore } from './service-lifecycle.store.js';

/**
 * The reconciler's one port into the service store (SPEC §5): the reads its passes and its
 * resync need, and what it observes in Kubernetes, applied to a service. The reconciler
 * never sees the repository itself.
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

  /** Every service, whole (a resync reloads the reconciler's row cache in one query). */
  all(): Promise<ModelServiceEntity[]> {
    return this.services.all();
  }

  /** The ids of a pool's services (its selector, taint or NPU resource changed). */
  idsOnPool(poolId: string): Promise<string[]> {
    return this.services.allIds(poolId);
  }

  /** Services not settled yet, with their versions (the safety-net poll). */
  unsettled(): Promise<{ id: string; version: number }[]> {
    return this.services.unsettled();
  }

  /** Pools with at least one queued service. */
  poolsWithQueue(): Promise<string[]> {
    return this.services.poolsWithQueue();
  }

  /** A pool's queued services (admission). */
  queuedOn(poolId: string): Promise<QueuedRow[]> {
    return this.services.queuedOn(poolId);
  }

  /** A pool's admitted services meant to run (their pods hold or will hold NPUs). */
  admittedOn(poolId: string): Promise<AdmittedRow[]> {
    return this.services.admittedOn(poolId);
  }
}
