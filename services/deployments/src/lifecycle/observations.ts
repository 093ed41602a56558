import { type ServiceState } from './service-state.js';

/**
 * What the reconciler (or admission) reports about a service. The reconciler is
 * level-triggered: each pass computes one of these from the database and its caches, so
 * each observation states a fact about the present, not an edge.
 *
 * - `admitted`: the pool has room for every instance; the service leaves the queue.
 * - `all_ready`: ready instances == desired instances, all on the desired spec (rollout
 *   complete). Ends deploying/starting (deployed/started), alarm (recovered), updating
 *   (scale done) and upgrading (upgrade done).
 * - `some_unhealthy`: some instances are not ready or restarting.
 * - `upgrade_in_place`: an upgrade of instance groups replaces the groups in place (no room
 *   for a stand-in group): the reason says what that means for callers; the state stays.
 * - `failed`: instances cannot start: unschedulable past the deadline, image pull errors,
 *   crash loops, start timeout.
 * - `pods_gone`: no pod of the service is left (stop completed).
 * - `deleted`: every Kubernetes object is gone and the finalizer released.
 */
export type Observation =
  | { readonly type: 'admitted' }
  | { readonly type: 'all_ready' }
  | { readonly type: 'some_unhealthy'; readonly reason: string }
  | { readonly type: 'upgrade_in_place'; readonly reason: string }
  | { readonly type: 'failed'; readonly reason: string }
  | { readonly type: 'pods_gone' }
  | { readonly type: 'deleted' };

export type ObservationType = Observation['type'];

/**
 * The states in which each observation applies (see `transition` for where it leads). The
 * reconciler gets a conflict for any other state and treats it as stale: its next pass
 * re-reads the database and computes afresh.
 */
export const OBSERVATION_APPLIES_IN: Readonly<Record<ObservationType, readonly ServiceState[]>> = {
  admitted: ['queuing'],
  all_ready: ['deploying', 'starting', 'running', 'alarm', 'updating', 'upgrading'],
  some_unhealthy: ['deploying', 'starting', 'running', 'alarm', 'updating', 'upgrading'],
  upgrade_in_place: ['upgrading'],
  failed: ['deploying', 'starting', 'running', 'alarm', 'updating', 'upgrading'],
  pods_gone: ['stopping', 'stopped'],
  deleted: ['deleting'],
};
