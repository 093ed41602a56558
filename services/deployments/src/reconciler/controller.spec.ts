import { Logger } from '@nestjs/common';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type MetricsService } from '@maas/observability';
import { KubeApiError } from '../kubernetes/kube-errors.js';
import { Controller } from './controller.js';
import { ReconcilerMetrics } from './reconciler.metrics.js';
import { TerminalError } from './terminal-error.js';
import { type PassOutcome } from './work-queue.js';

interface Key {
  readonly serviceId: string;
}

function setup(reconcile: (key: Key) => Promise<PassOutcome>) {
  const registry = new Registry();
  const metrics = new ReconcilerMetrics({ registry } as MetricsService);
  const logger = new Logger('test');
  vi.spyOn(logger, 'error').mockImplementation(() => undefined);
  vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
  const controller = new Controller<Key>({
    name: 'service',
    identify: (k) => k.serviceId,
    reconcile,
    workers: 2,
    backoffMinMs: 100,
    backoffMaxMs: 1_000,
    metrics,
    logger,
  });
  const errors = async (klass: string) =>
    (await registry.getSingleMetric('deployments_reconcile_errors_total')?.get())?.values.find(
      (v) => v.labels.class === klass,
    )?.value ?? 0;
  return { controller, logger, errors };
}

describe('Controller', () => {
  afterEach(() => vi.useRealTimers());

  it('does not requeue a terminal failure; logs it and counts it', async () => {
    vi.useFakeTimers();
    const seen: string[] = [];
    const { controller, logger, errors } = setup((key) => {
      seen.push(key.serviceId);
      return Promise.reject(new TerminalError('pool gone'));
    });
    controller.start();
    controller.add({ serviceId: 's1' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(seen).toEqual(['s1']);
    expect(await errors('terminal')).toBe(1);
    expect(logger.error).toHaveBeenCalledTimes(1);
    await controller.stop();
  });

  it('requeues a retryable failure with back-off until it succeeds', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const { controller, errors } = setup(() => {
      calls += 1;
      if (calls < 3) throw new KubeApiError('apply', 503, 'ServiceUnavailable', 'busy');
      return Promise.resolve({ kind: 'done' });
    });
    controller.start();
    controller.add({ serviceId: 's1' });
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(100); // 1st back-off
    expect(calls).toBe(2);
    await vi.advanceTimersByTimeAsync(200); // 2nd, doubled
    expect(calls).toBe(3);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toBe(3);
    expect(await errors('retry')).toBe(2);
    await controller.stop();
  });

  it('treats a Kubernetes refusal as terminal', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const { controller, errors } = setup(() => {
      calls += 1;
      throw new KubeApiError('apply', 422, 'Invalid', 'spec.replicas: must be >= 0');
    });
    controller.start();
    controller.add({ serviceId: 's1' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toBe(1);
    expect(await errors('terminal')).toBe(1);
    await controller.stop();
  });
});
