import { describe, expect, it } from 'vitest';
import { DomainError } from '@maas/errors';
import {
  type Command,
  createLifecycle,
  type Observation,
  SERVICE_STATES,
  transition,
  type TransitionResult,
} from '../lifecycle/index.js';
import { applyAutoStop, autoStopDeadline, type AutoStopBudget } from './auto-stop-budget.js';
import { type ModelServiceEntity } from './model-service.entity.js';
import { desiredStatusOf, lifecycleOf, rowChanges } from './service-row.js';

const T0 = new Date('2025-01-01T00:00:00Z');
const later = (ms: number) => new Date(T0.getTime() + ms);

function row(overrides: Partial<ModelServiceEntity> = {}): ModelServiceEntity {
  return {
    state: 'running',
    instances: 2,
    modelVersion: '1.0.0',
    qps: 10,
    pending: null,
    stateReason: null,
    stateChangedAt: T0,
    desiredStatus: 'running',
    generation: '3',
    queuedAt: null,
    queuePosition: null,
    autoStopMinutes: null,
    autoStopRemainingMs: null,
    autoStopResumedAt: null,
    version: 5,
    ...overrides,
  } as ModelServiceEntity;
}

function apply(r: ModelServiceEntity, input: Command | Observation): TransitionResult {
  const result = transition(lifecycleOf(r), input);
  if (result instanceof DomainError) throw result;
  return result;
}

describe('desiredStatusOf', () => {
  it('maps every state: run, stop (failed releases its pods) or delete', () => {
    expect(Object.fromEntries(SERVICE_STATES.map((s) => [s, desiredStatusOf(s)]))).toEqual({
      queuing: 'running',
      deploying: 'running',
      starting: 'running',
      running: 'running',
      alarm: 'running',
      updating: 'running',
      upgrading: 'running',
      stopping: 'stopped',
      stopped: 'stopped',
      deployment_failed: 'stopped',
      deleting: 'deleted',
    });
  });
});

describe('rowChanges', () => {
  it('bumps version always, generation only when what should run changes', () => {
    const r = row();
    const qps = rowChanges(r, apply(r, { type: 'set_qps', qps: 20 }), later(1));
    expect(qps).toMatchObject({ qps: 20, version: 6, generation: '3', stateChangedAt: T0 });
    const scale = rowChanges(r, apply(r, { type: 'scale', instanceCount: 4 }), later(1));
    expect(scale).toMatchObject({ state: 'updating', instances: 4, generation: '4', version: 6 });
    expect(scale.stateChangedAt).toEqual(later(1));
    const upgrade = rowChanges(r, apply(r, { type: 'upgrade', modelVersion: '1.1.0' }), later(1));
    expect(upgrade).toMatchObject({ modelVersion: '1.1.0', generation: '4' });
    const stop = rowChanges(r, apply(r, { type: 'stop' }), later(1));
    expect(stop).toMatchObject({ desiredStatus: 'stopped', generation: '4' });
    const alarm = rowChanges(r, apply(r, { type: 'some_unhealthy', reason: 'x' }), later(1));
    expect(alarm).toMatchObject({ state: 'alarm', stateReason: 'x', generation: '3' });
  });

  it('stamps queued_at on entering the queue and clears it on leaving', () => {
    const stopped = row({ state: 'stopped', desiredStatus: 'stopped' });
    const queued = rowChanges(stopped, apply(stopped, { type: 'start' }), later(5));
    expect(queued).toMatchObject({
      state: 'queuing',
      queuedAt: later(5),
      desiredStatus: 'running',
    });
    const waiting = row({ ...queued, queuePosition: 2 });
    const admitted = rowChanges(waiting, apply(waiting, { type: 'admitted' }), later(9));
    expect(admitted).toMatchObject({ state: 'starting', queuedAt: null, queuePosition: null });
  });

  it('keeps the auto-stop budget: runs while callable, paused otherwise, reset by auto stop', () => {
    const deploying = row({
      state: 'deploying',
      pending: { op: 'deploy' },
      autoStopMinutes: 60,
      autoStopRemainingMs: '3600000',
    });
    const running = rowChanges(deploying, apply(deploying, { type: 'all_ready' }), T0);
    expect(running).toMatchObject({ autoStopRemainingMs: '3600000', autoStopResumedAt: T0 });
    const r2 = row({ ...deploying, ...running });
    const stopped = rowChanges(r2, apply(r2, { type: 'stop' }), later(600_000));
    expect(stopped).toMatchObject({ autoStopRemainingMs: '3000000', autoStopResumedAt: null });
    const r3 = row({ ...r2, ...running });
    const auto = rowChanges(r3, apply(r3, { type: 'stop', source: 'auto_stop' }), later(3_600_000));
    expect(auto).toMatchObject({ autoStopRemainingMs: '3600000', autoStopResumedAt: null });
  });

  it('creation is queuing with a deploy pending', () => {
    expect(
      createLifecycle({ instances: 1, modelVersion: '1.0.0', qps: 1 }).lifecycle,
    ).toMatchObject({
      state: 'queuing',
      pending: { op: 'deploy' },
    });
  });
});

describe('the auto-stop budget', () => {
  const off: AutoStopBudget = { limitMs: null, remainingMs: null, resumedAt: null };
  const hour: AutoStopBudget = { limitMs: 3_600_000, remainingMs: 3_600_000, resumedAt: null };

  it('does nothing when auto stop is off', () => {
    expect(applyAutoStop(off, 'resume', T0)).toBe(off);
    expect(autoStopDeadline(off)).toBeNull();
  });

  it('counts down only between resume and pause', () => {
    const running = applyAutoStop(hour, 'resume', T0);
    expect(autoStopDeadline(running)).toEqual(later(3_600_000));
    expect(applyAutoStop(running, 'resume', later(10))).toEqual(running);
    const paused = applyAutoStop(running, 'pause', later(1_000_000));
    expect(paused).toEqual({ ...hour, remainingMs: 2_600_000, resumedAt: null });
    expect(autoStopDeadline(paused)).toBeNull();
    const again = applyAutoStop(paused, 'resume', later(5_000_000));
    expect(autoStopDeadline(again)).toEqual(later(7_600_000));
    expect(applyAutoStop(again, 'pause', later(99_000_000)).remainingMs).toBe(0);
  });

  it('reset gives the full budget back; cancel stops the clock', () => {
    const running = applyAutoStop({ ...hour, remainingMs: 5 }, 'resume', T0);
    expect(applyAutoStop(running, 'reset', later(5))).toEqual(hour);
    expect(applyAutoStop(running, 'cancel', later(2)).resumedAt).toBeNull();
  });
});
