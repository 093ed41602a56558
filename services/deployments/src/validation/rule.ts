import { type FieldProblem } from './invalid-fields.error.js';

/** What a rule found: the normalized value when valid, and every problem. */
export interface Checked<T> {
  readonly value: T | undefined;
  readonly problems: readonly FieldProblem[];
}

export function valid<T>(value: T): Checked<T> {
  return { value, problems: [] };
}

export function invalid<T>(...problems: FieldProblem[]): Checked<T> {
  return { value: undefined, problems };
}

export function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}
