import { chatCompletionRequest } from './chat-schema.js';
import type { ChatRequest } from './chat-request.js';
import type { Field, Schema } from './pydantic.js';

/**
 * The hot path for the common case: a body `JSON.parse` (native) could read, whose values already
 * have their exact types (no lax coercion such as `"stream": "true"` needed), with no key that
 * triggers one of vLLM's before-hooks. Such a body is valid exactly when this walk says so, and
 * the parsed object *is* the typed request. Anything else — and every refusal — goes the faithful
 * way (py-json.ts scanner, pydantic.ts errors) so that answers stay byte-for-byte vLLM's. Why the
 * shortcut cannot accept what vLLM refuses: JSON.parse and Python's json module accept the same
 * documents (Python also takes NaN/Infinity, which JSON.parse refuses, so those go the slow way),
 * a float literal like `1.0` is valid wherever `1` is (int fields take integral floats, float
 * fields ints, bool fields 0/1), and integers beyond 2^53 are sent the slow way for exact bounds.
 * One known difference: nesting deeper than Python's recursion limit inside a free-form field
 * (e.g. `chat_template_kwargs`) passes here, where vLLM answers 400 "There was an error parsing
 * the body" itself — the request is refused either way.
 */

/** Keys whose vLLM before-hooks (validate-chat-request.ts) the fast path does not evaluate. */
const HOOK_KEYS = [
  'continue_final_message',
  'tools',
  'tool_choice',
  'guided_json',
  'guided_regex',
  'guided_choice',
  'prompt_logprobs',
  'top_logprobs',
] as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (isObject(value)) return Object.keys(value).length > 0;
  return Boolean(value);
}

/** The request, when the fast path can vouch for it; undefined sends it the faithful way. */
export function fastRequest(body: Record<string, unknown>): ChatRequest | undefined {
  for (const key of HOOK_KEYS) if (key in body) return undefined;
  if (truthy(body.stream_options) && !truthy(body.stream)) return undefined;
  const model = body.model;
  if (typeof model !== 'string' || model.trim() === '') return undefined;
  return exact(chatCompletionRequest, body) ? (body as ChatRequest) : undefined;
}

type Exact<S extends Schema> = (schema: S, value: unknown) => boolean;

const EXACT: { [K in Schema['k']]: Exact<Extract<Schema, { k: K }>> } = {
  any: () => true,
  str: (_s, value) => typeof value === 'string',
  int: (s, value) => Number.isSafeInteger(value) && inRange(s, value as number),
  float: (_s, value) => typeof value === 'number',
  bool: (_s, value) => typeof value === 'boolean',
  nullable: (s, value) => value === null || exact(s.inner, value),
  literal: (s, value) => typeof value === 'string' && s.values.includes(value),
  iterable: (_s, value) =>
    typeof value === 'string' || (typeof value === 'object' && value !== null),
  list: (s, value) => Array.isArray(value) && exactItems(s.item, value),
  dict: (s, value) => isObject(value) && exactValues(s.value, value),
  model: (s, value) => isObject(value) && exactFields(s, value),
  'typed-dict': (s, value) => isObject(value) && exactFields(s, value),
  union: (s, value) => exactChoice(s.choices, value),
};

/** Whether a plain JSON value has exactly the schema's types (no coercion needed). */
function exact(schema: Schema, value: unknown): boolean {
  return (EXACT[schema.k] as Exact<Schema>)(schema, value);
}

// Plain loops, no closures or key arrays: this runs on every request.
function exactItems(schema: Schema, items: unknown[]): boolean {
  for (let i = 0; i < items.length; i++) if (!exact(schema, items[i])) return false;
  return true;
}

function exactValues(schema: Schema, value: Record<string, unknown>): boolean {
  for (const key in value) if (!exact(schema, value[key])) return false;
  return true;
}

function exactChoice(choices: { schema: Schema }[], value: unknown): boolean {
  for (let i = 0; i < choices.length; i++) if (exact(choices[i].schema, value)) return true;
  return false;
}

function inRange(schema: { ge?: bigint; le?: bigint }, value: number): boolean {
  return (
    !(schema.ge !== undefined && value < Number(schema.ge)) &&
    !(schema.le !== undefined && value > Number(schema.le))
  );
}

function exactFields(
  schema: { fields: Field[]; index: Map<string, Field>; extra: string },
  value: Record<string, unknown>,
): boolean {
  for (const key in value) {
    const field = schema.index.get(key);
    if (field ? !exact(field.schema, value[key]) : schema.extra === 'forbid') return false;
  }
  const fields = schema.fields;
  for (let i = 0; i < fields.length; i++)
    if (fields[i].required && !(fields[i].name in value)) return false;
  return true;
}
