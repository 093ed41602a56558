import { DEFAULT_QPS, qpsProblem } from './limits.js';
import { type Checked, invalid, valid } from './rule.js';

/** Table 4-4: QPS > 0 (we take whole queries per second, up to MAX_QPS). */
export function checkQps(value: unknown): Checked<number> {
  if (value === undefined || value === null) return valid(DEFAULT_QPS);
  const problem = qpsProblem(value);
  return problem ? invalid({ field: 'qps', problem }) : valid(value as number);
}
