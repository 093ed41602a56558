// What no request may carry into a service, whatever its route (SPEC §10 "bad input → a
// clear 4xx"): pure checks on parsed values, shared by the JSON body parser and the
// path/query check. Each finding names the field it is about.

/** Keys that would reach an object's prototype when a parsed body is merged or copied. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set([
  '__proto__',
  'constructor',
  'prototype',
]);

/**
 * The largest magnitude a number may have. JavaScript holds integers exactly only up to
 * 2^53 − 1, and no column of ours holds more than a PostgreSQL bigint (2^63 − 1): beyond
 * this a value is either rounded silently or refused by the database with a 500
 * (`bigint out of range`). DTOs bound their own fields tighter.
 */
export const MAX_NUMBER = Number.MAX_SAFE_INTEGER;

/** One refused input: the field (dotted path, as in validation errors) and why, naming it. */
export interface InputFinding {
  field: string;
  message: string;
}

function finding(field: string, problem: string): InputFinding {
  const shown = displayField(field);
  return { field: shown, message: `${shown} ${problem}` };
}

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

/** A field name as shown in a message: control characters escaped, long names cut. */
export function displayField(path: string): string {
  // eslint-disable-next-line no-control-regex -- escaping control characters is the point
  const escaped = path.replace(/[\u0000-\u001f\u007f]/g, (c) => {
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
  const wellFormed = escaped.replace(LONE_SURROGATES, '\uFFFD');
  return wellFormed.length > 80 ? `${wellFormed.slice(0, 77)}...` : wellFormed;
}

/**
 * Why a string cannot be stored, if it cannot: PostgreSQL's text types refuse U+0000
 * (`invalid byte sequence for encoding "UTF8": 0x00`, a 500), and a lone UTF-16 surrogate
 * has no UTF-8 encoding (the driver would store U+FFFD in its place).
 */
export function stringProblem(value: string): string | undefined {
  if (value.includes('\u0000')) return 'must not contain NUL (U+0000) characters';
  if (LONE_SURROGATE.test(value)) return 'must be valid Unicode text (it has a lone surrogate)';
  return undefined;
}

/** Why a JSON number cannot be taken, if it cannot (see MAX_NUMBER). */
export function numberProblem(value: number): string | undefined {
  if (!Number.isFinite(value) || Math.abs(value) > MAX_NUMBER) {
    return `must be a number between ${-MAX_NUMBER} and ${MAX_NUMBER}`;
  }
  return undefined;
}

/**
 * A path or query parameter is text until a DTO converts it: one that reads as a number
 * (`9223372036854775807`, `1e20`, `0x1p70`… whatever `Number()` accepts) must be within
 * MAX_NUMBER, else the conversion would hand PostgreSQL a value its column cannot hold.
 */
export function parameterProblem(value: string): string | undefined {
  const problem = stringProblem(value);
  if (problem) return problem;
  if (value.trim() === '') return undefined;
  const asNumber = Number(value);
  if (Number.isNaN(asNumber)) return undefined;
  return numberProblem(asNumber);
}

function join(parent: string, key: string | number): string {
  return parent === '' ? String(key) : `${parent}.${key}`;
}

/** Checks one key of an object: forbidden names and unstorable text. */
function keyFinding(parent: string, key: string): InputFinding | undefined {
  if (FORBIDDEN_KEYS.has(key)) {
    return finding(join(parent, key), `is not allowed: "${key}" is a reserved key`);
  }
  const problem = stringProblem(key);
  return problem ? finding(parent || '(key)', `has a key that ${problem}`) : undefined;
}

function leafFinding(
  value: unknown,
  field: string,
  checkString: (s: string) => string | undefined,
): InputFinding | undefined {
  const problem =
    typeof value === 'string'
      ? checkString(value)
      : typeof value === 'number'
        ? numberProblem(value)
        : undefined;
  return problem ? finding(field || '(body)', problem) : undefined;
}

/**
 * The first refused input in a parsed JSON value (or a query object): forbidden keys,
 * unstorable strings, numbers out of range. Iterative, so no depth can overflow the stack;
 * callers bound the depth before (see exceedsDepth).
 */
export function findInvalidInput(
  root: unknown,
  checkString: (s: string) => string | undefined = stringProblem,
): InputFinding | undefined {
  const stack: [unknown, string][] = [[root, '']];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [value, field] = next;
    if (typeof value !== 'object' || value === null) {
      const found = leafFinding(value, field, checkString);
      if (found) return found;
      continue;
    }
    const entries = Array.isArray(value)
      ? value.map((item, i): [string, unknown] => [String(i), item])
      : Object.entries(value);
    // Reversed, so fields are reported in document order.
    for (const [key, item] of entries.reverse()) {
      const found = Array.isArray(value) ? undefined : keyFinding(field, key);
      if (found) return found;
      stack.push([item, join(field, key)]);
    }
  }
  return undefined;
}

/**
 * Whether JSON text nests arrays/objects deeper than `maxDepth`, found by one scan that
 * stops at the first level too deep: checked before JSON.parse builds anything, so a
 * 10,000-level body costs microseconds and never reaches a recursive validator.
 */
export function exceedsDepth(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}
