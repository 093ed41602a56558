/**
 * The JSON body as Python's `json.loads` sees it, because the model server (vLLM's FastAPI app)
 * validates and echoes that value (seed 002 Table 4-19 prints Python reprs of it):
 * objects are `Map`s (insertion order kept, a repeated key keeps its first position and its last
 * value, like a Python dict — a plain object would move integer-like keys first), arrays are
 * arrays, strings are strings, `true/false/null` are themselves, an integer literal is a `number`
 * (or a `bigint` beyond 2^53, exact like a Python int) and a literal with a fraction or an
 * exponent is a `PyFloat`, so `1.0` stays a float and prints `1.0`.
 */
export class PyFloat {
  constructor(readonly value: number) {}
}

export type PyValue = null | boolean | number | bigint | string | PyFloat | PyValue[] | PyDict;
export type PyDict = Map<string, PyValue>;

export function isDict(value: PyValue | undefined): value is PyDict {
  return value instanceof Map;
}

/** Python truthiness, as vLLM's `model_validator(mode="before")` hooks test raw values. */
export function pyTruthy(value: PyValue | undefined): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.length > 0;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'bigint') return value !== 0n;
  if (value instanceof PyFloat) return value.value !== 0;
  if (Array.isArray(value)) return value.length > 0;
  return value.size > 0;
}

/** The numeric value of a Python number (bool is an int in Python); undefined when not a number. */
export function pyNumber(value: PyValue | undefined): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof PyFloat) return value.value;
  return undefined;
}

/** A plain JS value (e.g. from `JSON.parse`) as a PyValue: integral numbers count as ints. */
export function fromJs(value: unknown, depth = 0): PyValue {
  if (
    value === null ||
    typeof value === 'boolean' ||
    typeof value === 'string' ||
    typeof value === 'bigint'
  ) {
    return value;
  }
  if (typeof value === 'number') return Number.isInteger(value) ? value : new PyFloat(value);
  if (typeof value === 'object' && depth <= 1000) return fromJsObject(value, depth);
  return null;
}

function fromJsObject(value: object, depth: number): PyValue {
  if (Array.isArray(value)) return value.map((item) => fromJs(item, depth + 1));
  if (value instanceof Map || value instanceof PyFloat) return value as PyDict | PyFloat;
  const map: PyDict = new Map();
  for (const [key, item] of Object.entries(value as Record<string, unknown>))
    map.set(key, fromJs(item, depth + 1));
  return map;
}
