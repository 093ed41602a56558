import { type DomainError } from '@maas/errors';
import { ObservationNotApplicableError } from './lifecycle.errors.js';
import { type ServiceLifecycle, type TransitionResult } from './lifecycle.types.js';
import { type EventReason } from './event-reasons.js';
import { OBSERVATION_APPLIES_IN, type Observation } from './observations.js';
import { moved, unchanged } from './transition-result.js';

/** An observation from the reconciler or admission; see observations.ts for each meaning. */
export function applyObservation(
  current: ServiceLifecycle,
  observation: Observation,
): TransitionResult | DomainError {
  const appliesIn = OBSERVATION_APPLIES_IN[observation.type];
  if (!appliesIn.includes(current.state))
    return new ObservationNotApplicableError(observation.type, current.state, appliesIn);
  switch (observation.type) {
    case 'admitted':
      return admitted(current);
    case 'all_ready':
      return allReady(current);
    case 'some_unhealthy':
      return current.state === 'running'
        ? moved(
            current,
            { state: 'alarm', reason: observation.reason },
            'Unhealthy',
            observation.reason,
          )
        : unchanged(current);
    case 'upgrade_in_place':
      // Said once (a repeat with the same reason writes nothing); all_ready clears it.
      return current.reason === observation.reason
        ? unchanged(current)
        : moved(current, { reason: observation.reason }, 'UpgradeInPlace', observation.reason);
    case 'failed':
      return failed(current, observation.reason);
    case 'pods_gone':
      return current.state === 'stopped'
        ? unchanged(current)
        : moved(current, { state: 'stopped' }, 'Stopped', 'All instances have stopped');
    case 'deleted':
      return {
        ...moved(current, {}, 'Deleted', 'Service deleted; its resources are released'),
        notification: 'Deleted',
        removed: true,
      };
  }
}

/** Deploy's queuing → deploying; start's queuing → starting. */
function admitted(current: ServiceLifecycle): TransitionResult {
  const n = current.instances;
  return current.pending?.op === 'deploy'
    ? moved(
        current,
        { state: 'deploying' },
        'Deploying',
        `Pool has room; deploying ${n} instance(s)`,
      )
    : moved(current, { state: 'starting' }, 'Starting', `Pool has room; starting ${n} instance(s)`);
}

function allReady(current: ServiceLifecycle): TransitionResult {
  if (current.state === 'running') return unchanged(current);
  const [reason, message] = readyEvent(current);
  return moved(current, { state: 'running', pending: null, reason: null }, reason, message);
}

function readyEvent({
  state,
  pending,
  instances,
  modelVersion,
}: ServiceLifecycle): [EventReason, string] {
  if (pending?.op === 'scale')
    return ['Scaled', `Scaled from ${pending.fromInstances} to ${instances} instances`];
  if (pending?.op === 'upgrade')
    return ['Upgraded', `Upgraded from ${pending.fromVersion} to ${modelVersion}`];
  if (state === 'alarm') return ['Recovered', `All ${instances} instance(s) are ready again`];
  if (state === 'starting') return ['Started', `All ${instances} instance(s) are ready`];
  return ['Deployed', `All ${instances} instance(s) are ready`];
}

/** Deploy/start failed → deployment_failed; anything else that fails degrades to alarm. */
function failed(current: ServiceLifecycle, reason: string): TransitionResult {
  const { state } = current;
  if (state === 'deploying' || state === 'starting')
    return moved(
      current,
      { state: 'deployment_failed', pending: null, reason },
      'DeploymentFailed',
      reason,
    );
  if (state === 'updating')
    return moved(current, { state: 'alarm', pending: null, reason }, 'ScaleFailed', reason);
  if (state === 'upgrading')
    return moved(current, { state: 'alarm', pending: null, reason }, 'UpgradeFailed', reason);
  if (state === 'running') return moved(current, { state: 'alarm', reason }, 'Unhealthy', reason);
  return unchanged(current);
}
