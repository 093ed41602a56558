import { PyRaw, reprStr, type Reprable } from './py-repr.js';
import { PyFloat, isDict, type PyDict, type PyValue } from './py-value.js';

/**
 * The subset of pydantic v2 (lax mode, Python input — FastAPI validates `json.loads` output)
 * that vLLM's ChatCompletionRequest uses, producing pydantic's error list: the same `type`,
 * `loc`, `msg`, `input` and `ctx` in the same order, so the 400 message matches the real model
 * server's byte-for-byte (seed 002 Table 4-19). Validation only: values are coerced elsewhere
 * (chat-request.ts) once they are known to be valid.
 */

export type Loc = (string | number)[];

export interface PydError {
  type: string;
  loc: Loc;
  msg: string;
  input: PyValue;
  ctx?: [string, Reprable][];
}

export interface Field {
  /** The key in the input (the alias where the model declares one). */
  name: string;
  schema: Schema;
  required?: boolean;
}

export type Schema =
  | { k: 'str' }
  | { k: 'int'; ge?: bigint; le?: bigint }
  | { k: 'float' }
  | { k: 'bool' }
  | { k: 'any' }
  | { k: 'nullable'; inner: Schema }
  | { k: 'literal'; values: readonly string[] }
  | { k: 'list'; item: Schema }
  /** typing.Iterable[...]: pydantic validates the items lazily, so only "is iterable" is checked. */
  | { k: 'iterable' }
  | { k: 'dict'; value: Schema }
  /** A BaseModel (`model_attributes_type` for a non-dict, FastAPI validates with from_attributes). */
  | { k: 'model'; fields: Field[]; index: Map<string, Field>; extra: 'forbid' | 'ignore' }
  /**
   * A TypedDict (`dict_type` for a non-dict). Without a config of its own a TypedDict takes the
   * enclosing model's, so vLLM's `extra="forbid"` applies to the openai message TypedDicts too.
   */
  | { k: 'typed-dict'; fields: Field[]; index: Map<string, Field>; extra: 'forbid' | 'allow' }
  | { k: 'union'; choices: { label: string; schema: Schema }[] };

export const str: Schema = { k: 'str' };
export const int: Schema = { k: 'int' };
export const float: Schema = { k: 'float' };
export const bool: Schema = { k: 'bool' };
export const any: Schema = { k: 'any' };
export const iterable: Schema = { k: 'iterable' };
export const opt = (inner: Schema): Schema => ({ k: 'nullable', inner });
export const list = (item: Schema): Schema => ({ k: 'list', item });
export const dict = (value: Schema): Schema => ({ k: 'dict', value });
export const literal = (...values: string[]): Schema => ({ k: 'literal', values });
export const union = (...choices: [string, Schema][]): Schema => ({
  k: 'union',
  choices: choices.map(([label, schema]) => ({ label, schema })),
});
export function model(
  fields: Field[],
  extra: 'forbid' | 'ignore' = 'forbid',
): Schema & { k: 'model' } {
  return { k: 'model', fields, index: new Map(fields.map((f) => [f.name, f])), extra };
}
export const typedDict = (fields: Field[], extra: 'forbid' | 'allow' = 'forbid'): Schema => ({
  k: 'typed-dict',
  fields,
  index: new Map(fields.map((f) => [f.name, f])),
  extra,
});

const BOOL_STRINGS = new Map<string, boolean>([
  ['0', false],
  ['off', false],
  ['f', false],
  ['false', false],
  ['n', false],
  ['no', false],
  ['1', true],
  ['on', true],
  ['t', true],
  ['true', true],
  ['y', true],
  ['yes', true],
]);
// pydantic-core's str -> int: surrounding whitespace, a sign, `_` between digits, a `.0…` tail.
const INT_STRING = /^\s*[+-]?\d+(?:_\d+)*(?:\.0*)?\s*$/;
// Python float(): surrounding whitespace, a sign, `_` between digits, inf/infinity/nan.
const FLOAT_STRING =
  /^\s*[+-]?(?:(?:\d+(?:_\d+)*(?:\.(?:\d+(?:_\d+)*)?)?|\.\d+(?:_\d+)*)(?:[eE][+-]?\d+(?:_\d+)*)?|inf(?:inity)?|nan)\s*$/i;

function err(
  errors: PydError[],
  type: string,
  loc: Loc,
  msg: string,
  input: PyValue,
  ctx?: [string, Reprable][],
): false {
  errors.push(ctx ? { type, loc, msg, input, ctx } : { type, loc, msg, input });
  return false;
}

/** A Python int value of an input that pydantic's lax int accepts, as a bigint for range checks. */
export function intValue(value: PyValue): bigint | undefined {
  if (typeof value === 'number') return BigInt(value);
  if (typeof value === 'bigint') return value;
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (value instanceof PyFloat) {
    return Number.isInteger(value.value) ? BigInt(value.value) : undefined;
  }
  if (typeof value === 'string' && INT_STRING.test(value)) {
    return BigInt(value.trim().replace(/_/g, '').replace(/\.0*$/, ''));
  }
  return undefined;
}

export function floatValue(value: PyValue): number | undefined {
  if (typeof value === 'number') return value;
  if (value instanceof PyFloat) return value.value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && FLOAT_STRING.test(value)) {
    const text = value.trim().replace(/_/g, '').toLowerCase();
    if (text.endsWith('nan')) return NaN;
    if (text.endsWith('inf') || text.endsWith('infinity'))
      return text.startsWith('-') ? -Infinity : Infinity;
    return Number(text);
  }
  return undefined;
}

export function boolValue(value: PyValue): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number' || value instanceof PyFloat) {
    const n = typeof value === 'number' ? value : value.value;
    return n === 0 ? false : n === 1 ? true : undefined;
  }
  if (typeof value === 'string') return BOOL_STRINGS.get(value.toLowerCase());
  return undefined;
}

type Checker<S extends Schema> = (
  schema: S,
  value: PyValue,
  loc: Loc,
  errors: PydError[],
) => boolean;
type Checkers = { [K in Schema['k']]: Checker<Extract<Schema, { k: K }>> };

function checkInt(
  schema: { ge?: bigint; le?: bigint },
  value: PyValue,
  loc: Loc,
  errors: PydError[],
): boolean {
  const n = intValue(value);
  if (n === undefined) return intError(value, loc, errors);
  if (schema.ge !== undefined && n < schema.ge) {
    const msg = `Input should be greater than or equal to ${schema.ge}`;
    return err(errors, 'greater_than_equal', loc, msg, value, [['ge', schema.ge]]);
  }
  if (schema.le !== undefined && n > schema.le) {
    const msg = `Input should be less than or equal to ${schema.le}`;
    return err(errors, 'less_than_equal', loc, msg, value, [['le', schema.le]]);
  }
  return true;
}

function intError(value: PyValue, loc: Loc, errors: PydError[]): false {
  if (value instanceof PyFloat) {
    return Number.isFinite(value.value)
      ? err(
          errors,
          'int_from_float',
          loc,
          'Input should be a valid integer, got a number with a fractional part',
          value,
        )
      : err(errors, 'finite_number', loc, 'Input should be a finite number', value);
  }
  if (typeof value === 'string') {
    return err(
      errors,
      'int_parsing',
      loc,
      'Input should be a valid integer, unable to parse string as an integer',
      value,
    );
  }
  return err(errors, 'int_type', loc, 'Input should be a valid integer', value);
}

function checkFloat(_schema: Schema, value: PyValue, loc: Loc, errors: PydError[]): boolean {
  if (floatValue(value) !== undefined) return true;
  if (typeof value === 'string') {
    return err(
      errors,
      'float_parsing',
      loc,
      'Input should be a valid number, unable to parse string as a number',
      value,
    );
  }
  return err(errors, 'float_type', loc, 'Input should be a valid number', value);
}

function checkBool(_schema: Schema, value: PyValue, loc: Loc, errors: PydError[]): boolean {
  if (boolValue(value) !== undefined) return true;
  if (typeof value === 'string' || typeof value === 'number') {
    return err(
      errors,
      'bool_parsing',
      loc,
      'Input should be a valid boolean, unable to interpret input',
      value,
    );
  }
  return err(errors, 'bool_type', loc, 'Input should be a valid boolean', value);
}

function checkLiteral(
  schema: { values: readonly string[] },
  value: PyValue,
  loc: Loc,
  errors: PydError[],
): boolean {
  if (typeof value === 'string' && schema.values.includes(value)) return true;
  const quoted = schema.values.map((v) => `'${v}'`);
  const expected =
    quoted.length === 1
      ? quoted.join('')
      : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
  return err(errors, 'literal_error', loc, `Input should be ${expected}`, value, [
    ['expected', expected],
  ]);
}

function checkList(
  schema: { item: Schema },
  value: PyValue,
  loc: Loc,
  errors: PydError[],
): boolean {
  if (!Array.isArray(value))
    return err(errors, 'list_type', loc, 'Input should be a valid list', value);
  let ok = true;
  value.forEach((item, i) => {
    if (!check(schema.item, item, [...loc, i], errors)) ok = false;
  });
  return ok;
}

function checkDict(
  schema: { value: Schema },
  value: PyValue,
  loc: Loc,
  errors: PydError[],
): boolean {
  if (!isDict(value))
    return err(errors, 'dict_type', loc, 'Input should be a valid dictionary', value);
  let ok = true;
  for (const [key, item] of value) {
    if (!check(schema.value, item, [...loc, key], errors)) ok = false;
  }
  return ok;
}

/** Fields in declaration order (missing ones reported with the whole dict as input), then extras. */
function checkFields(
  schema: { fields: Field[]; index: Map<string, Field>; extra: string },
  value: PyDict,
  loc: Loc,
  errors: PydError[],
): boolean {
  let ok = true;
  for (const field of schema.fields) {
    const item = value.get(field.name);
    if (item === undefined) {
      if (field.required)
        ok = err(errors, 'missing', [...loc, field.name], 'Field required', value);
    } else if (!check(field.schema, item, [...loc, field.name], errors)) {
      ok = false;
    }
  }
  if (schema.extra !== 'forbid') return ok;
  for (const [key, item] of value) {
    if (!schema.index.has(key))
      ok = err(errors, 'extra_forbidden', [...loc, key], 'Extra inputs are not permitted', item);
  }
  return ok;
}

function checkUnion(
  schema: { choices: { label: string; schema: Schema }[] },
  value: PyValue,
  loc: Loc,
  errors: PydError[],
): boolean {
  const collected: PydError[] = [];
  for (const choice of schema.choices) {
    // pydantic names the failing choice right after the union's own location.
    if (check(choice.schema, value, [...loc, choice.label], collected)) return true;
  }
  errors.push(...collected);
  return false;
}

const CHECKERS: Checkers = {
  str: (_s, value, loc, errors) =>
    typeof value === 'string' ||
    err(errors, 'string_type', loc, 'Input should be a valid string', value),
  int: checkInt,
  float: checkFloat,
  bool: checkBool,
  any: () => true,
  nullable: (s, value, loc, errors) => value === null || check(s.inner, value, loc, errors),
  literal: checkLiteral,
  list: checkList,
  iterable: (_s, value, loc, errors) =>
    typeof value === 'string' ||
    Array.isArray(value) ||
    isDict(value) ||
    err(errors, 'iterable_type', loc, 'Input should be iterable', value),
  dict: checkDict,
  model: (s, value, loc, errors) =>
    isDict(value)
      ? checkFields(s, value, loc, errors)
      : err(
          errors,
          'model_attributes_type',
          loc,
          'Input should be a valid dictionary or object to extract fields from',
          value,
        ),
  'typed-dict': (s, value, loc, errors) =>
    isDict(value)
      ? checkFields(s, value, loc, errors)
      : err(errors, 'dict_type', loc, 'Input should be a valid dictionary', value),
  union: checkUnion,
};

/**
 * The fast path: whether `value` is valid, without building any error (every request runs this;
 * only a refused one runs `check` to collect pydantic's errors).
 */
export function valid(schema: Schema, value: PyValue): boolean {
  return (VALID[schema.k] as Valid<Schema>)(schema, value);
}

type Valid<S extends Schema> = (schema: S, value: PyValue) => boolean;

const VALID: { [K in Schema['k']]: Valid<Extract<Schema, { k: K }>> } = {
  any: () => true,
  str: (_s, value) => typeof value === 'string',
  nullable: (s, value) => value === null || valid(s.inner, value),
  literal: (s, value) => typeof value === 'string' && s.values.includes(value),
  int: (s, value) => validInt(s, value),
  float: (_s, value) => floatValue(value) !== undefined,
  bool: (_s, value) => boolValue(value) !== undefined,
  iterable: (_s, value) => typeof value === 'string' || Array.isArray(value) || isDict(value),
  list: (s, value) => Array.isArray(value) && value.every((item) => valid(s.item, item)),
  dict: (s, value) => isDict(value) && validValues(s.value, value),
  model: (s, value) => isDict(value) && validFields(s, value),
  'typed-dict': (s, value) => isDict(value) && validFields(s, value),
  union: (s, value) => s.choices.some((choice) => valid(choice.schema, value)),
};

function validInt(schema: { ge?: bigint; le?: bigint }, value: PyValue): boolean {
  if (typeof value === 'number' && schema.ge === undefined && schema.le === undefined)
    return Number.isInteger(value);
  const n = intValue(value);
  return (
    n !== undefined &&
    !(schema.ge !== undefined && n < schema.ge) &&
    !(schema.le !== undefined && n > schema.le)
  );
}

function validValues(schema: Schema, value: PyDict): boolean {
  for (const item of value.values()) if (!valid(schema, item)) return false;
  return true;
}

function validFields(
  schema: { fields: Field[]; index: Map<string, Field>; extra: string },
  value: PyDict,
): boolean {
  for (const field of schema.fields) {
    const item = value.get(field.name);
    if (item === undefined ? field.required : !valid(field.schema, item)) return false;
  }
  if (schema.extra !== 'forbid') return true;
  for (const key of value.keys()) if (!schema.index.has(key)) return false;
  return true;
}

/** Validates `value` against `schema`, appending pydantic's errors; true when valid. */
export function check(schema: Schema, value: PyValue, loc: Loc, errors: PydError[]): boolean {
  if (valid(schema, value)) return true;
  return (CHECKERS[schema.k] as Checker<Schema>)(schema, value, loc, errors);
}

/** `value_error` raised by a `model_validator(mode="before")`: loc is the model's, input the dict. */
export function valueError(loc: Loc, message: string, input: PyValue): PydError {
  return {
    type: 'value_error',
    loc,
    msg: `Value error, ${message}`,
    input,
    ctx: [['error', new PyRaw(`ValueError(${reprStr(message)})`)]],
  };
}
