// Figures read from the deployments process as Prometheus would (its /metrics) and from
// /proc, and the arithmetic of the report.
import { cpuSeconds } from '../gateway/proc.js';
import type { Child } from '../gateway/processes.js';
import { samples, total } from './processes.js';

export const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

export function stats(values: number[]): { p50: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? 0 };
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
export const pct = (cpuMs: number, wallMs: number): string =>
  `${((cpuMs / wallMs) * 100).toFixed(2)} %`;

/** Requests the process sent to kube-apiserver so far, by "verb resource". */
export type Calls = Map<string, number>;

export async function apiCalls(child: Child): Promise<Calls> {
  const out: Calls = new Map();
  for (const s of await samples(child, 'deployments_kube_api_requests_total'))
    out.set(`${s.labels.verb} ${s.labels.resource}`, s.value);
  return out;
}

export function callsBetween(after: Calls, before: Calls): { total: number; byKind: string } {
  const kinds = [...after]
    .map(([k, v]) => [k, v - (before.get(k) ?? 0)] as const)
    .filter(([, v]) => v > 0);
  kinds.sort((a, b) => b[1] - a[1]);
  return {
    total: kinds.reduce((s, [, v]) => s + v, 0),
    byKind: kinds.map(([k, v]) => `${k} ${v}`).join(', '),
  };
}

/** Reconcile passes so far: how many, and their total seconds (the duration histogram). */
export async function passes(child: Child): Promise<{ count: number; sum: number }> {
  const [count, sum] = await Promise.all([
    total(child, 'deployments_reconcile_duration_seconds_count'),
    total(child, 'deployments_reconcile_duration_seconds_sum'),
  ]);
  return { count, sum };
}

/** The process's CPU time so far, in ms. */
export const cpuMs = (child: Child): number => cpuSeconds(child.pid) * 1000;

/** Keys taken from the work queues so far, and their total seconds waiting there. */
export async function queueWaits(child: Child): Promise<{ count: number; sum: number }> {
  const [count, sum] = await Promise.all([
    total(child, 'deployments_reconcile_queue_wait_seconds_count'),
    total(child, 'deployments_reconcile_queue_wait_seconds_sum'),
  ]);
  return { count, sum };
}
