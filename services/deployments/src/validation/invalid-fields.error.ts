import { DomainError, type FieldError } from '@maas/errors';

/** One broken rule: the API field (e.g. `config[0].instance_count`) and what is wrong. */
export interface FieldProblem {
  readonly field: string;
  /** Completes "<field> …", e.g. `must be an integer from 1 to 128`. */
  readonly problem: string;
}

/**
 * A 400 naming every bad field at once, in the same `details.fields` shape as the request
 * validation pipe of @maas/errors (`[{ field, messages }]`).
 */
export class InvalidFieldsError extends DomainError {
  readonly fields: FieldError[];

  constructor(code: string, summary: string, problems: readonly FieldProblem[]) {
    const fields = groupByField(problems);
    const text = problems.map((p) => `${p.field} ${p.problem}`).join('; ');
    super(code, 'validation', `${summary}: ${text}`, { details: { fields } });
    this.fields = fields;
  }
}

function groupByField(problems: readonly FieldProblem[]): FieldError[] {
  const byField = new Map<string, string[]>();
  for (const { field, problem } of problems)
    byField.set(field, [...(byField.get(field) ?? []), `${field} ${problem}`]);
  return [...byField].map(([field, messages]) => ({ field, messages }));
}
