import { DomainError } from '@maas/errors';
import { describe, expect, it } from 'vitest';
import { type Command } from './commands.js';
import { createLifecycle } from './create-lifecycle.js';
import { type ServiceLifecycle, type TransitionResult } from './lifecycle.types.js';
import { type Observation } from './observations.js';
import { CALLABLE_STATES, isCallable, SERVICE_STATES, type ServiceState } from './service-state.js';
import { transition } from './transition.js';

// The expected tables are written out here from SPEC.md §5 and seed 002 §4.3, independently
// of the implementation's own tables. Cells: a next state, `=` (allowed, nothing changes),
// `removed` (the record may go) or `409` (refused with a conflict naming the state).

const COMMAND_TABLE = `
                    start     stop      scale     set_qps   upgrade    delete
queuing             409       stopping  409       409       409        deleting
deploying           409       stopping  409       409       409        deleting
starting            409       stopping  409       409       409        deleting
running             409       stopping  updating  running   upgrading  deleting
alarm               409       stopping  updating  alarm     upgrading  deleting
updating            409       409       409       409       409        deleting
upgrading           409       409       409       409       409        deleting
stopping            409       409       409       409       409        deleting
stopped             queuing   409       409       409       409        deleting
deployment_failed   queuing   409       409       409       409        deleting
deleting            409       409       409       409       409        =
`;

const OBSERVATION_TABLE = `
                    admitted   all_ready  some_unhealthy  failed             pods_gone  deleted    upgrade_in_place
queuing             deploying  409        409             409                409        409        409
deploying           409        running    =               deployment_failed  409        409        409
starting            409        running    =               deployment_failed  409        409        409
running             409        =          alarm           alarm              409        409        409
alarm               409        running    =               =                  409        409        409
updating            409        running    =               alarm              409        409        409
upgrading           409        running    =               alarm              409        409        upgrading
stopping            409        409        409             409                stopped    409        409
stopped             409        409        409             409                =          409        409
deployment_failed   409        409        409             409                409        409        409
deleting            409        409        409             409                409        removed    409
`;

const DISPLAY: Record<ServiceState, string> = {
  queuing: 'Queuing',
  deploying: 'Deploying',
  starting: 'Starting',
  running: 'Running',
  alarm: 'Alarm',
  updating: 'Updating',
  upgrading: 'Upgrading',
  stopping: 'Stopping',
  stopped: 'Stopped',
  deployment_failed: 'Deployment Failed',
  deleting: 'Deleting',
};

/** One valid input per column: the cell tests the state rule, not parameter validation. */
const COMMANDS: Record<string, { command: Command; refusal: string }> = {
  start: {
    command: { type: 'start' },
    refusal: 'start is allowed in Stopped, Deployment Failed.',
  },
  stop: {
    command: { type: 'stop' },
    refusal: 'stop is allowed in Queuing, Deploying, Starting, Running, Alarm.',
  },
  scale: {
    command: { type: 'scale', instanceCount: 3 },
    refusal: 'scale is allowed in Running, Alarm.',
  },
  set_qps: {
    command: { type: 'set_qps', qps: 50 },
    refusal: 'set QPS is allowed in Running, Alarm.',
  },
  upgrade: {
    command: { type: 'upgrade', modelVersion: '1.1.0' },
    refusal: 'upgrade is allowed in Running, Alarm.',
  },
  delete: { command: { type: 'delete', confirm: 'DELETE' }, refusal: 'delete is always allowed' },
};

const OBSERVATIONS: Record<string, { observation: Observation; appliesIn: string }> = {
  admitted: { observation: { type: 'admitted' }, appliesIn: 'Queuing' },
  all_ready: {
    observation: { type: 'all_ready' },
    appliesIn: 'Deploying, Starting, Running, Alarm, Updating, Upgrading',
  },
  some_unhealthy: {
    observation: { type: 'some_unhealthy', reason: '1 of 2 instances not ready' },
    appliesIn: 'Deploying, Starting, Running, Alarm, Updating, Upgrading',
  },
  failed: {
    observation: { type: 'failed', reason: 'ImagePullBackOff' },
    appliesIn: 'Deploying, Starting, Running, Alarm, Updating, Upgrading',
  },
  pods_gone: { observation: { type: 'pods_gone' }, appliesIn: 'Stopping, Stopped' },
  deleted: { observation: { type: 'deleted' }, appliesIn: 'Deleting' },
  upgrade_in_place: {
    observation: { type: 'upgrade_in_place', reason: 'Upgrading in place: …' },
    appliesIn: 'Upgrading',
  },
};

interface Cell {
  state: ServiceState;
  column: string;
  expected: string;
}

function parse(table: string): Cell[] {
  const [header, ...rows] = table
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/));
  return rows.flatMap(([state, ...cells]) =>
    cells.map((expected, i) => ({ state: state as ServiceState, column: header[i], expected })),
  );
}

/** A plausible service in each state: 2 instances of version 1.0.0 at 100 QPS. */
function lifecycleIn(
  state: ServiceState,
  overrides: Partial<ServiceLifecycle> = {},
): ServiceLifecycle {
  const pending: ServiceLifecycle['pending'] =
    state === 'queuing'
      ? { op: 'deploy' }
      : state === 'updating'
        ? { op: 'scale', fromInstances: 1 }
        : state === 'upgrading'
          ? { op: 'upgrade', fromVersion: '0.9.0' }
          : null;
  return {
    state,
    instances: 2,
    modelVersion: '1.0.0',
    qps: 100,
    pending,
    reason: null,
    ...overrides,
  };
}

function ok(result: TransitionResult | DomainError): TransitionResult {
  if (result instanceof DomainError)
    throw new Error(`unexpected ${result.code}: ${result.message}`);
  return result;
}

function refused(result: TransitionResult | DomainError): DomainError {
  if (!(result instanceof DomainError))
    throw new Error(`expected an error, got ${result.lifecycle.state}`);
  return result;
}

function expectCell(result: TransitionResult | DomainError, cell: Cell, from: ServiceLifecycle) {
  if (cell.expected === '409') {
    const error = refused(result);
    expect(error.kind).toBe('conflict');
    return error;
  }
  const outcome = ok(result);
  if (cell.expected === '=') {
    expect(outcome.changed).toBe(false);
    expect(outcome.lifecycle).toEqual(from);
    expect(outcome.event).toBeNull();
  } else if (cell.expected === 'removed') {
    expect(outcome.removed).toBe(true);
  } else {
    expect(outcome.changed).toBe(true);
    expect(outcome.lifecycle.state).toBe(cell.expected);
    expect(outcome.event).toMatchObject({ from: cell.state, to: cell.expected });
  }
  return null;
}

describe('transition: every state × command', () => {
  const cells = parse(COMMAND_TABLE);

  it('the table covers every state and command', () => {
    expect(new Set(cells.map((c) => c.state))).toEqual(new Set(SERVICE_STATES));
    expect(cells).toHaveLength(SERVICE_STATES.length * Object.keys(COMMANDS).length);
  });

  it.each(cells.map((c) => [c.state, c.column, c.expected, c] as const))(
    '%s + %s → %s',
    (_state, _column, _expected, cell) => {
      const from = lifecycleIn(cell.state);
      const { command, refusal } = COMMANDS[cell.column];
      const error = expectCell(transition(from, command), cell, from);
      if (error)
        expect(error.message).toBe(`Service is in state ${DISPLAY[cell.state]}; ${refusal}`);
    },
  );
});

describe('transition: every state × observation', () => {
  const cells = parse(OBSERVATION_TABLE);

  it('the table covers every state and observation', () => {
    expect(new Set(cells.map((c) => c.state))).toEqual(new Set(SERVICE_STATES));
    expect(cells).toHaveLength(SERVICE_STATES.length * Object.keys(OBSERVATIONS).length);
  });

  it.each(cells.map((c) => [c.state, c.column, c.expected, c] as const))(
    '%s + %s → %s',
    (_state, _column, _expected, cell) => {
      const from = lifecycleIn(cell.state);
      const { observation, appliesIn } = OBSERVATIONS[cell.column];
      const error = expectCell(transition(from, observation), cell, from);
      if (error)
        expect(error.message).toBe(
          `Service is in state ${DISPLAY[cell.state]}; observation ${cell.column} applies in ${appliesIn}.`,
        );
    },
  );
});

describe('the conflict error', () => {
  it('is a 409-class conflict naming the current and the allowed states', () => {
    const error = refused(transition(lifecycleIn('stopped'), { type: 'scale', instanceCount: 3 }));
    expect(error.message).toBe('Service is in state Stopped; scale is allowed in Running, Alarm.');
    expect(error.code).toBe('DEPLOY.0201');
    expect(error.details).toEqual({
      operation: 'scale',
      state: 'stopped',
      allowed_states: ['running', 'alarm'],
    });
  });

  it('gives the API name of the operation in the details', () => {
    const error = refused(transition(lifecycleIn('stopped'), { type: 'set_qps', qps: 5 }));
    expect(error.message).toBe(
      'Service is in state Stopped; set QPS is allowed in Running, Alarm.',
    );
    expect(error.details).toMatchObject({ operation: 'set_qps' });
  });

  it('checks the state before the parameters', () => {
    const error = refused(transition(lifecycleIn('stopped'), { type: 'scale', instanceCount: 0 }));
    expect(error.kind).toBe('conflict');
  });
});

describe('deploy and start leave the queue differently', () => {
  it('deploy creates a queued service that is admitted into deploying', () => {
    const created = createLifecycle({ instances: 2, modelVersion: '1.0.0', qps: 10 });
    expect(created.lifecycle).toEqual({
      state: 'queuing',
      instances: 2,
      modelVersion: '1.0.0',
      qps: 10,
      pending: { op: 'deploy' },
      reason: null,
    });
    expect(created.event).toMatchObject({ reason: 'Queued', from: null, to: 'queuing' });
    const admitted = ok(transition(created.lifecycle, { type: 'admitted' }));
    expect(admitted.lifecycle.state).toBe('deploying');
    expect(admitted.event?.reason).toBe('Deploying');
  });

  it.each(['stopped', 'deployment_failed'] as const)(
    'start from %s queues, then is admitted into starting',
    (state) => {
      const queued = ok(
        transition(lifecycleIn(state, { reason: 'was broken' }), { type: 'start' }),
      );
      expect(queued.lifecycle).toMatchObject({
        state: 'queuing',
        pending: { op: 'start' },
        reason: null,
      });
      expect(queued.event?.reason).toBe('StartRequested');
      const admitted = ok(transition(queued.lifecycle, { type: 'admitted' }));
      expect(admitted.lifecycle.state).toBe('starting');
      expect(admitted.event?.reason).toBe('Starting');
    },
  );
});

describe('all_ready ends each transient state with its own event', () => {
  it.each([
    ['deploying', null, 'Deployed', 'All 2 instance(s) are ready'],
    ['starting', null, 'Started', 'All 2 instance(s) are ready'],
    ['alarm', null, 'Recovered', 'All 2 instance(s) are ready again'],
    ['updating', { op: 'scale', fromInstances: 1 }, 'Scaled', 'Scaled from 1 to 2 instances'],
    [
      'upgrading',
      { op: 'upgrade', fromVersion: '0.9.0' },
      'Upgraded',
      'Upgraded from 0.9.0 to 1.0.0',
    ],
  ] as const)('%s → running (%s)', (state, pending, reason, message) => {
    const from = lifecycleIn(state, { pending, reason: state === 'alarm' ? 'x' : null });
    const result = ok(transition(from, { type: 'all_ready' }));
    expect(result.lifecycle).toMatchObject({ state: 'running', pending: null, reason: null });
    expect(result.event).toEqual({ reason, message, from: state, to: 'running' });
    expect(result.notification).toBe('Running');
  });
});

describe('failures carry their reason', () => {
  it.each([
    ['deploying', 'deployment_failed', 'DeploymentFailed', 'Failed'],
    ['starting', 'deployment_failed', 'DeploymentFailed', 'Failed'],
    ['running', 'alarm', 'Unhealthy', 'Alarm'],
    ['updating', 'alarm', 'ScaleFailed', 'Alarm'],
    ['upgrading', 'alarm', 'UpgradeFailed', 'Alarm'],
  ] as const)('failed in %s → %s (%s)', (state, to, reason, notification) => {
    const why = 'pod crash-looping: CrashLoopBackOff';
    const result = ok(transition(lifecycleIn(state), { type: 'failed', reason: why }));
    expect(result.lifecycle).toMatchObject({ state: to, reason: why, pending: null });
    expect(result.event).toEqual({ reason, message: why, from: state, to });
    expect(result.notification).toBe(notification);
  });

  it('upgrade_in_place says how an upgrade goes, once; all_ready clears it', () => {
    const why = 'Upgrading in place: the pool has no room for a spare group';
    const result = ok(
      transition(lifecycleIn('upgrading'), { type: 'upgrade_in_place', reason: why }),
    );
    expect(result.lifecycle).toMatchObject({ state: 'upgrading', reason: why });
    expect(result.event).toEqual({
      reason: 'UpgradeInPlace',
      message: why,
      from: 'upgrading',
      to: 'upgrading',
    });
    expect(result.notification).toBeNull();
    expect(transition(result.lifecycle, { type: 'upgrade_in_place', reason: why })).toMatchObject({
      changed: false,
    });
    expect(ok(transition(result.lifecycle, { type: 'all_ready' })).lifecycle.reason).toBeNull();
  });

  it('some_unhealthy moves running to alarm with the reason', () => {
    const result = ok(
      transition(lifecycleIn('running'), { type: 'some_unhealthy', reason: '1 of 2 not ready' }),
    );
    expect(result.lifecycle).toMatchObject({ state: 'alarm', reason: '1 of 2 not ready' });
    expect(result.event?.reason).toBe('Unhealthy');
  });
});

describe('scale', () => {
  it('scales out without confirmation', () => {
    const result = ok(transition(lifecycleIn('running'), { type: 'scale', instanceCount: 4 }));
    expect(result.lifecycle).toMatchObject({
      state: 'updating',
      instances: 4,
      pending: { op: 'scale', fromInstances: 2 },
    });
    expect(result.event?.message).toBe('Scaling from 2 to 4 instances');
  });

  it('refuses scale-in without "confirm": "YES", naming confirm', () => {
    for (const confirm of [undefined, 'yes', 'DELETE']) {
      const error = refused(
        transition(lifecycleIn('alarm'), { type: 'scale', instanceCount: 1, confirm }),
      );
      expect(error.kind).toBe('validation');
      expect(error.details?.fields).toEqual([
        { field: 'confirm', messages: ['confirm must be "YES" to scale in from 2 to 1 instances'] },
      ]);
    }
  });

  it('scales in with "confirm": "YES"', () => {
    const result = ok(
      transition(lifecycleIn('alarm'), { type: 'scale', instanceCount: 1, confirm: 'YES' }),
    );
    expect(result.lifecycle).toMatchObject({ state: 'updating', instances: 1 });
  });

  it.each([0, -1, 1.5, 129, Number.NaN])('refuses instance_count %s', (instanceCount) => {
    const error = refused(transition(lifecycleIn('running'), { type: 'scale', instanceCount }));
    expect(error.kind).toBe('validation');
    expect(error.details?.fields).toMatchObject([{ field: 'instance_count' }]);
  });

  it('refuses the current instance count', () => {
    const error = refused(transition(lifecycleIn('running'), { type: 'scale', instanceCount: 2 }));
    expect(error.message).toContain('instance_count is already 2');
  });
});

describe('set QPS', () => {
  it('changes the limit without changing the state', () => {
    const result = ok(transition(lifecycleIn('alarm'), { type: 'set_qps', qps: 7 }));
    expect(result.lifecycle).toEqual({ ...lifecycleIn('alarm'), qps: 7 });
    expect(result.event).toEqual({
      reason: 'QpsChanged',
      message: 'QPS limit changed from 100 to 7',
      from: 'alarm',
      to: 'alarm',
    });
    expect(result.notification).toBeNull();
    expect(result.autoStop).toBeNull();
  });

  it('is a no-op when the limit is unchanged', () => {
    expect(ok(transition(lifecycleIn('running'), { type: 'set_qps', qps: 100 })).changed).toBe(
      false,
    );
  });

  it.each([0, -5, 0.5, 100_001])('refuses qps %s, naming qps', (qps) => {
    const error = refused(transition(lifecycleIn('running'), { type: 'set_qps', qps }));
    expect(error.kind).toBe('validation');
    expect(error.details?.fields).toMatchObject([{ field: 'qps' }]);
  });
});

describe('upgrade', () => {
  it('upgrades to a newer version, remembering the old one', () => {
    const result = ok(
      transition(lifecycleIn('running'), { type: 'upgrade', modelVersion: '1.10.0' }),
    );
    expect(result.lifecycle).toMatchObject({
      state: 'upgrading',
      modelVersion: '1.10.0',
      pending: { op: 'upgrade', fromVersion: '1.0.0' },
    });
  });

  it.each(['1.0.0', '0.9.9', '0.10.0'])('refuses %s, not newer than 1.0.0', (modelVersion) => {
    const error = refused(transition(lifecycleIn('running'), { type: 'upgrade', modelVersion }));
    expect(error.kind).toBe('validation');
    expect(error.details?.fields).toEqual([
      {
        field: 'model_version',
        messages: ['model_version must be newer than the current version 1.0.0'],
      },
    ]);
  });

  it('refuses a malformed version', () => {
    const error = refused(
      transition(lifecycleIn('running'), { type: 'upgrade', modelVersion: 'latest' }),
    );
    expect(error.details?.fields).toMatchObject([{ field: 'model_version' }]);
  });
});

describe('stop and delete', () => {
  it.each(SERVICE_STATES)('delete from %s needs "confirm": "DELETE"', (state) => {
    const error = refused(transition(lifecycleIn(state), { type: 'delete', confirm: 'delete' }));
    expect(error.kind).toBe('validation');
    expect(error.details?.fields).toMatchObject([{ field: 'confirm' }]);
  });

  it('delete cancels the auto-stop budget and clears what was pending', () => {
    const result = ok(transition(lifecycleIn('upgrading'), { type: 'delete', confirm: 'DELETE' }));
    expect(result.lifecycle).toMatchObject({ state: 'deleting', pending: null });
    expect(result.autoStop).toBe('cancel');
  });

  it('deleted removes the record and notifies Deleted', () => {
    const result = ok(transition(lifecycleIn('deleting'), { type: 'deleted' }));
    expect(result).toMatchObject({ removed: true, notification: 'Deleted' });
    expect(result.event?.reason).toBe('Deleted');
  });

  it('a user stop pauses the auto-stop budget; an auto stop resets it', () => {
    const user = ok(transition(lifecycleIn('running'), { type: 'stop' }));
    expect(user.event?.reason).toBe('StopRequested');
    expect(user.autoStop).toBe('pause');
    const auto = ok(transition(lifecycleIn('alarm'), { type: 'stop', source: 'auto_stop' }));
    expect(auto.event?.reason).toBe('AutoStopTriggered');
    expect(auto.autoStop).toBe('reset');
  });

  it('stopping → stopped notifies Terminated', () => {
    const result = ok(transition(lifecycleIn('stopping'), { type: 'pods_gone' }));
    expect(result.lifecycle.state).toBe('stopped');
    expect(result.notification).toBe('Terminated');
  });
});

describe('the auto-stop clock runs only while the service can be called', () => {
  it('resumes on becoming callable and pauses on leaving', () => {
    expect(ok(transition(lifecycleIn('deploying'), { type: 'all_ready' })).autoStop).toBe('resume');
    expect(
      ok(transition(lifecycleIn('running'), { type: 'scale', instanceCount: 3 })).autoStop,
    ).toBeNull();
    expect(
      ok(transition(lifecycleIn('upgrading'), { type: 'failed', reason: 'x' })).autoStop,
    ).toBeNull();
    expect(
      ok(transition(lifecycleIn('starting'), { type: 'failed', reason: 'x' })).autoStop,
    ).toBeNull();
  });
});

describe('callable states', () => {
  it('are running, alarm, updating and upgrading', () => {
    expect([...CALLABLE_STATES].sort()).toEqual(['alarm', 'running', 'updating', 'upgrading']);
    expect(SERVICE_STATES.filter(isCallable).sort()).toEqual([
      'alarm',
      'running',
      'updating',
      'upgrading',
    ]);
  });
});
