import { type FieldProblem } from './invalid-fields.error.js';
import { type Checked, invalid, valid } from './rule.js';

/** The console's presets (Table 4-4); any other duration is "Customize". */
export const AUTO_STOP_PRESET_HOURS = [1, 2, 4, 6] as const;
/** Custom durations: from one minute up to one day (our bound; the seed gives none). */
export const MIN_AUTO_STOP_MINUTES = 1;
export const MAX_AUTO_STOP_MINUTES = 24 * 60;

const UNIT_MINUTES = { HOURS: 60, MINUTES: 1 } as const;

export interface AutoStop {
  /** Running time after which the service is stopped. */
  readonly durationMinutes: number;
}

/** `schedule: [{ type: "stop", time_unit: "HOURS" | "MINUTES", duration }]`, at most one. */
export function checkAutoStop(value: unknown): Checked<AutoStop | null> {
  if (value === undefined || value === null) return valid(null);
  if (!Array.isArray(value) || value.length > 1)
    return invalid({ field: 'schedule', problem: 'must be a list of at most one auto stop entry' });
  if (value.length === 0) return valid(null);
  const entry = (value[0] ?? {}) as { type?: unknown; time_unit?: unknown; duration?: unknown };
  const problems = entryProblems(entry);
  if (problems.length > 0) return invalid(...problems);
  return valid({
    durationMinutes: (entry.duration as number) * UNIT_MINUTES[entry.time_unit as 'HOURS'],
  });
}

function entryProblems(entry: { type?: unknown; time_unit?: unknown; duration?: unknown }) {
  const problems: FieldProblem[] = [];
  if (entry.type !== 'stop')
    problems.push({ field: 'schedule[0].type', problem: 'must be "stop"' });
  if (entry.time_unit !== 'HOURS' && entry.time_unit !== 'MINUTES') {
    problems.push({ field: 'schedule[0].time_unit', problem: 'must be "HOURS" or "MINUTES"' });
    return problems;
  }
  const minutes = Number(entry.duration) * UNIT_MINUTES[entry.time_unit];
  if (
    typeof entry.duration !== 'number' ||
    !Number.isInteger(entry.duration) ||
    minutes < MIN_AUTO_STOP_MINUTES ||
    minutes > MAX_AUTO_STOP_MINUTES
  )
    problems.push({
      field: 'schedule[0].duration',
      problem: `must be a whole number of ${entry.time_unit.toLowerCase()} from 1 minute to 24 hours (presets: ${AUTO_STOP_PRESET_HOURS.join(', ')} hours)`,
    });
  return problems;
}
