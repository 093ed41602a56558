import { type Checked, invalid, valid } from './rule.js';

/** Table 4-4: up to 256 characters (Unicode characters, not UTF-16 units). */
export const MAX_DESCRIPTION_LENGTH = 256;

export function checkDescription(value: unknown): Checked<string> {
  if (value === undefined || value === null) return valid('');
  if (typeof value === 'string' && [...value].length <= MAX_DESCRIPTION_LENGTH) return valid(value);
  return invalid({
    field: 'description',
    problem: `must be a string of at most ${MAX_DESCRIPTION_LENGTH} characters`,
  });
}
