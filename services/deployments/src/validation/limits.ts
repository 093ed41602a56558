/**
 * Numeric limits on a model service shared by deploy validation and the lifecycle commands
 * (scale, set QPS). The seed only says "instances >= 1" and "QPS > 0"; the upper bounds are
 * ours, to refuse typos like 10000 instances before they reach the admission queue.
 */
export const MIN_INSTANCES = 1;
export const MAX_INSTANCES = 128;
export const MIN_QPS = 1;
export const MAX_QPS = 100_000;
export const DEFAULT_QPS = 100;

/** Why `value` is not a valid instance count, or null when it is. */
export function instanceCountProblem(value: unknown): string | null {
  return isIntegerIn(value, MIN_INSTANCES, MAX_INSTANCES)
    ? null
    : `must be an integer from ${MIN_INSTANCES} to ${MAX_INSTANCES}`;
}

/** Why `value` is not a valid QPS limit (queries per second), or null when it is. */
export function qpsProblem(value: unknown): string | null {
  return isIntegerIn(value, MIN_QPS, MAX_QPS)
    ? null
    : `must be an integer from ${MIN_QPS} to ${MAX_QPS} (queries per second)`;
}

function isIntegerIn(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}
