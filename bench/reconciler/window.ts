// The steady-state window: nothing changes, the leader renews its Lease, the watches stay
// open, and its periodic full resync (RECONCILER_RESYNC_MS, shortened for the run) gives
// every service a pass from the caches. Sampled once a second: both processes' CPU (/proc)
// and the leader's pass counter (/metrics). Seconds with passes (and the one after) are the
// resyncs; the others are idle. The baseline is the same service with RECONCILER=false,
// measured over the same seconds, so the difference is the reconciler's own cost.
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import type { Child } from '../gateway/processes.js';
import { componentCpu, componentCpuBetween } from './cluster.js';
import { apiCalls, callsBetween, cpuMs, passes } from './figures.js';

interface Sample {
  at: number;
  leader: number;
  baseline: number;
  passes: number;
}

/** Consecutive seconds with passes: one resync, or several back to back on a slow machine. */
export interface Resync {
  passes: number;
  wallMs: number;
  /** The leader's CPU above its idle rate over those seconds. */
  cpuMs: number;
}

export interface WindowFigures {
  wallMs: number;
  idle: { wallMs: number; leaderCpuMs: number; baselineCpuMs: number };
  resyncs: Resync[];
  /** null when the component restarted during the window (another engineer's fault test). */
  controllerManagerCpuMs: number | null;
  apiserverCpuMs: number | null;
  calls: { total: number; byKind: string };
}

async function sample(leader: Child, baseline: Child): Promise<Sample> {
  // Both scraped, so the scrape's own cost is in both figures and cancels out.
  const [{ count }] = await Promise.all([passes(leader), passes(baseline)]);
  return { at: performance.now(), leader: cpuMs(leader), baseline: cpuMs(baseline), passes: count };
}

export async function observeWindow(
  leader: Child,
  baseline: Child,
  windowMs: number,
  services: number,
): Promise<WindowFigures> {
  const kcm0 = componentCpu('kube-controller-manager');
  const api0 = componentCpu('kube-apiserver');
  const calls0 = await apiCalls(leader);
  const points = [await sample(leader, baseline)];
  const end = points[0].at + windowMs;
  while (performance.now() < end) {
    await delay(1_000);
    points.push(await sample(leader, baseline));
  }
  const calls = callsBetween(await apiCalls(leader), calls0);
  // Interval i runs from points[i] to points[i + 1]; busy when it (or the one before) ran passes.
  const intervals = points.slice(1).map((p, i) => ({
    wallMs: p.at - points[i].at,
    leader: p.leader - points[i].leader,
    baseline: p.baseline - points[i].baseline,
    passes: p.passes - points[i].passes,
  }));
  const busy = intervals.map((x, i) => x.passes > 0 || (i > 0 && intervals[i - 1].passes > 0));
  const quiet = intervals.filter((_, i) => !busy[i]);
  const idle = {
    wallMs: quiet.reduce((s, x) => s + x.wallMs, 0),
    leaderCpuMs: quiet.reduce((s, x) => s + x.leader, 0),
    baselineCpuMs: quiet.reduce((s, x) => s + x.baseline, 0),
  };
  const idleRate = idle.wallMs > 0 ? idle.leaderCpuMs / idle.wallMs : 0;
  // Consecutive busy seconds form one episode; an episode that passed at least half the
  // services holds full resyncs (smaller ones are stray events).
  const resyncs: Resync[] = [];
  let current: Resync | undefined;
  intervals.forEach((x, i) => {
    if (!busy[i]) {
      if (current && current.passes >= services / 2) resyncs.push(current);
      current = undefined;
      return;
    }
    current ??= { passes: 0, wallMs: 0, cpuMs: 0 };
    current.passes += x.passes;
    current.wallMs += x.wallMs;
    current.cpuMs += x.leader - idleRate * x.wallMs;
  });
  if (current && current.passes >= services / 2) resyncs.push(current);
  return {
    wallMs: points.at(-1)!.at - points[0].at,
    idle,
    resyncs,
    controllerManagerCpuMs: componentCpuBetween(kcm0, componentCpu('kube-controller-manager')),
    apiserverCpuMs: componentCpuBetween(api0, componentCpu('kube-apiserver')),
    calls,
  };
}
