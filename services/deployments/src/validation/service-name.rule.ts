import { type Checked, invalid, valid } from './rule.js';

/** Table 4-4: 1–64 letters, digits, `-`, `_`, starting with a letter. */
export const SERVICE_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** Uniqueness in the project is the repository's job (a unique index), not this rule's. */
export function checkServiceName(value: unknown): Checked<string> {
  if (typeof value === 'string' && SERVICE_NAME_PATTERN.test(value)) return valid(value);
  return invalid({
    field: 'service_name',
    problem:
      'must be 1 to 64 characters of letters, digits, hyphens (-) and underscores (_), starting with a letter',
  });
}
