import { PyFloat, type PyValue } from './py-value.js';

/**
 * Python's `repr()` of the values pydantic puts in its error list, so the message vLLM returns
 * (`str(RequestValidationError)`, i.e. the repr of a list of dicts) can be reproduced
 * byte-for-byte (seed 002 Table 4-19).
 */

/** A value printed verbatim, e.g. `ValueError('…')` in a `value_error` ctx. */
export class PyRaw {
  constructor(readonly text: string) {}
}

/** A Python tuple (pydantic's `loc`). */
export class PyTuple {
  constructor(readonly items: readonly (string | number)[]) {}
}

export type Reprable = PyValue | PyRaw | PyTuple | ReadonlyArray<readonly [string, Reprable]>;

// Python's str.isprintable(): everything but categories Cc, Cf, Cs, Co, Cn, Zl, Zp and Zs
// (the ASCII space excepted). Only consulted for non-ASCII characters.
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;
const PLAIN_ASCII = /^[\x20-\x26\x28-\x5b\x5d-\x7e]*$/;

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, '0');
}

const SIMPLE_ESCAPES = new Map<number, string>([
  [0x5c, '\\\\'],
  [0x09, '\\t'],
  [0x0a, '\\n'],
  [0x0d, '\\r'],
]);

function escapeChar(ch: string, code: number, quote: number): string {
  if (code === quote) return quote === 0x27 ? "\\'" : '\\"';
  const simple = SIMPLE_ESCAPES.get(code);
  if (simple !== undefined) return simple;
  if (code < 0x20 || code === 0x7f) return `\\x${hex(code, 2)}`;
  if (code < 0x7f || !NON_PRINTABLE.test(ch)) return ch;
  return hexEscape(code);
}

function hexEscape(code: number): string {
  if (code < 0x100) return `\\x${hex(code, 2)}`;
  if (code < 0x10000) return `\\u${hex(code, 4)}`;
  return `\\U${hex(code, 8)}`;
}

/** `repr(str)`: single quotes unless the text has a single quote and no double quote. */
export function reprStr(text: string): string {
  if (PLAIN_ASCII.test(text)) return `'${text}'`;
  const quote = text.includes("'") && !text.includes('"') ? 0x22 : 0x27;
  let out = quote === 0x22 ? '"' : "'";
  for (const ch of text) out += escapeChar(ch, ch.codePointAt(0) ?? 0, quote);
  return out + (quote === 0x22 ? '"' : "'");
}

/** `repr(float)`: shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
export function reprFloat(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const sign = value < 0 ? '-' : '';
  const [mantissa = '', expText = '0'] = Math.abs(value).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exp = Number(expText);
  return sign + (exp < -4 || exp >= 16 ? scientific(digits, exp) : positional(digits, exp));
}

function scientific(digits: string, exp: number): string {
  const rest = digits.slice(1);
  const expAbs = Math.abs(exp).toString().padStart(2, '0');
  return `${digits[0]}${rest ? `.${rest}` : ''}e${exp < 0 ? '-' : '+'}${expAbs}`;
}

function positional(digits: string, exp: number): string {
  if (exp < 0) return `0.${'0'.repeat(-exp - 1)}${digits}`;
  const whole = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  return `${whole}.${digits.slice(exp + 1) || '0'}`;
}

export function repr(value: Reprable | undefined): string {
  if (value === null || value === undefined) return 'None';
  return typeof value === 'object' ? reprObject(value) : reprScalar(value);
}

function reprScalar(value: boolean | string | number | bigint): string {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string') return reprStr(value);
  if (typeof value === 'number') return Object.is(value, -0) ? '0' : String(value);
  return value.toString();
}

function reprObject(
  value: PyFloat | PyRaw | PyTuple | Map<string, PyValue> | readonly unknown[],
): string {
  if (value instanceof PyFloat) return reprFloat(value.value);
  if (value instanceof PyRaw) return value.text;
  if (value instanceof PyTuple) {
    const items = value.items.map((item) => repr(item));
    return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
  }
  if (value instanceof Map) return reprEntries(value.entries());
  if (isPairs(value)) return reprEntries(value);
  return `[${(value as readonly PyValue[]).map((item) => repr(item)).join(', ')}]`;
}

function reprEntries(entries: Iterable<readonly [string, Reprable]>): string {
  const parts: string[] = [];
  for (const [key, item] of entries) parts.push(`${reprStr(key)}: ${repr(item)}`);
  return `{${parts.join(', ')}}`;
}

/** Ordered dict literals built by this module are marked so they print as dicts, not lists. */
const PAIRS = Symbol('pairs');
export function pairs(entries: [string, Reprable][]): ReadonlyArray<readonly [string, Reprable]> {
  return Object.assign(entries, { [PAIRS]: true });
}
function isPairs(value: unknown): value is ReadonlyArray<readonly [string, Reprable]> {
  return Array.isArray(value) && (value as { [PAIRS]?: boolean })[PAIRS] === true;
}
