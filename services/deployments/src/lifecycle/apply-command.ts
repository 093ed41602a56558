import { type DomainError } from '@maas/errors';
import { isNewerVersion, isVersion } from '../catalog/versions.js';
import { instanceCountProblem, qpsProblem } from '../validation/limits.js';
import {
  type Command,
  COMMAND_ALLOWED_STATES,
  type CommandType,
  DELETE_CONFIRMATION,
  SCALE_IN_CONFIRMATION,
} from './commands.js';
import { InvalidCommandError, WrongStateError } from './lifecycle.errors.js';
import { type ServiceLifecycle, type TransitionResult } from './lifecycle.types.js';
import { moved, unchanged } from './transition-result.js';

/** How each command is named in messages. */
const OPERATION_NAMES: Readonly<Record<CommandType, string>> = {
  start: 'start',
  stop: 'stop',
  scale: 'scale',
  set_qps: 'set QPS',
  upgrade: 'upgrade',
  delete: 'delete',
};

type CommandOf<T extends CommandType> = Extract<Command, { type: T }>;

/** A command from a user or the auto-stop job: state first (409), then parameters (400). */
export function applyCommand(
  current: ServiceLifecycle,
  command: Command,
): TransitionResult | DomainError {
  const allowed = COMMAND_ALLOWED_STATES[command.type];
  if (!allowed.includes(current.state))
    return new WrongStateError(command.type, OPERATION_NAMES[command.type], current.state, allowed);
  switch (command.type) {
    case 'start':
      return moved(
        current,
        { state: 'queuing', pending: { op: 'start' }, reason: null },
        'StartRequested',
        `Start requested; waiting for the pool to have room for ${current.instances} instance(s)`,
      );
    case 'stop':
      return stop(current, command);
    case 'scale':
      return scale(current, command);
    case 'set_qps':
      return setQps(current, command);
    case 'upgrade':
      return upgrade(current, command);
    case 'delete':
      return remove(current, command);
  }
}

function stop(current: ServiceLifecycle, command: CommandOf<'stop'>): TransitionResult {
  const auto = command.source === 'auto_stop';
  return moved(
    current,
    { state: 'stopping', pending: null, reason: null },
    auto ? 'AutoStopTriggered' : 'StopRequested',
    auto ? 'Running time reached the auto stop limit; stopping' : 'Stop requested',
    { stoppedByAutoStop: auto },
  );
}

function scale(
  current: ServiceLifecycle,
  command: CommandOf<'scale'>,
): TransitionResult | DomainError {
  const target = command.instanceCount;
  const invalid = instanceCountProblem(target);
  if (invalid)
    return new InvalidCommandError('scale', { field: 'instance_count', problem: invalid });
  if (target === current.instances)
    return new InvalidCommandError('scale', {
      field: 'instance_count',
      problem: `is already ${current.instances}`,
    });
  if (target < current.instances && command.confirm !== SCALE_IN_CONFIRMATION)
    return new InvalidCommandError('scale', {
      field: 'confirm',
      problem: `must be "${SCALE_IN_CONFIRMATION}" to scale in from ${current.instances} to ${target} instances`,
    });
  return moved(
    current,
    {
      state: 'updating',
      instances: target,
      pending: { op: 'scale', fromInstances: current.instances },
    },
    'ScaleRequested',
    `Scaling from ${current.instances} to ${target} instances`,
  );
}

function setQps(
  current: ServiceLifecycle,
  command: CommandOf<'set_qps'>,
): TransitionResult | DomainError {
  const invalid = qpsProblem(command.qps);
  if (invalid) return new InvalidCommandError('set QPS', { field: 'qps', problem: invalid });
  if (command.qps === current.qps) return unchanged(current);
  return moved(
    current,
    { qps: command.qps },
    'QpsChanged',
    `QPS limit changed from ${current.qps} to ${command.qps}`,
  );
}

function upgrade(
  current: ServiceLifecycle,
  command: CommandOf<'upgrade'>,
): TransitionResult | DomainError {
  const target = command.modelVersion;
  if (!isVersion(target))
    return new InvalidCommandError('upgrade', {
      field: 'model_version',
      problem: 'must be a version like 1.2.0',
    });
  if (!isNewerVersion(target, current.modelVersion))
    return new InvalidCommandError('upgrade', {
      field: 'model_version',
      problem: `must be newer than the current version ${current.modelVersion}`,
    });
  return moved(
    current,
    {
      state: 'upgrading',
      modelVersion: target,
      pending: { op: 'upgrade', fromVersion: current.modelVersion },
    },
    'UpgradeRequested',
    `Upgrading from ${current.modelVersion} to ${target}; current instances keep serving`,
  );
}

function remove(
  current: ServiceLifecycle,
  command: CommandOf<'delete'>,
): TransitionResult | DomainError {
  if (command.confirm !== DELETE_CONFIRMATION)
    return new InvalidCommandError('delete', {
      field: 'confirm',
      problem: `must be "${DELETE_CONFIRMATION}": a deleted service cannot be restored`,
    });
  if (current.state === 'deleting') return unchanged(current);
  return moved(
    current,
    { state: 'deleting', pending: null },
    'DeleteRequested',
    'Delete requested',
  );
}
