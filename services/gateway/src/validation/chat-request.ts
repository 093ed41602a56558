import { boolValue, floatValue, intValue, type Schema } from './pydantic.js';
import { chatCompletionRequest } from './chat-schema.js';
import { PyFloat, isDict, type PyDict, type PyValue } from './py-value.js';

/** A content part of a user/system/assistant message (seed 002 Table 4-14: text or multimodal). */
export type ChatContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string; detail?: 'auto' | 'low' | 'high' } }
  | { type: string; [key: string]: unknown };

export interface ChatToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool' | 'developer' | 'function';
  content?: string | ChatContentPart[] | null;
  name?: string;
  tool_call_id?: string | null;
  tool_calls?: ChatToolCall[] | null;
  refusal?: string | null;
  [key: string]: unknown;
}

export interface ChatTool {
  type?: 'function';
  function: {
    name: string;
    description?: string | null;
    parameters?: Record<string, unknown> | null;
  };
}

/**
 * A valid chat request with pydantic's lax coercions applied (e.g. `"stream": "true"` is
 * `stream: true`, `"n": 2.0` is `n: 2`), keys in the order the client sent them. Every field of
 * seed 002 Tables 4-8/4-13..4-15 plus the rest of vLLM's ChatCompletionRequest; a field the
 * client did not send is absent (vLLM's defaults are noted). Integers beyond 2^53 (only `seed`
 * can be that large) are rounded to the nearest double here; validation saw them exactly.
 */
export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  /** Default false. */
  stream?: boolean | null;
  /** Only with stream true (Table 4-15); include_usage defaults to true when the object is sent. */
  stream_options?: {
    include_usage?: boolean | null;
    continuous_usage_stats?: boolean | null;
  } | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  /** Default 1; > 1 refused for DeepSeek-R1/V3 (Table 4-13, checkModelRules). */
  n?: number | null;
  /** Default -1 (disabled). */
  top_k?: number;
  /** Default 1.0, in (0, 1]. */
  top_p?: number | null;
  /** vLLM's default 0.7; >= 0. */
  temperature?: number | null;
  stop?: string | string[] | null;
  use_beam_search?: boolean;
  /** In [-2, 2]. */
  presence_penalty?: number | null;
  /** In [-2, 2]. */
  frequency_penalty?: number | null;
  /** Only with beam search. */
  length_penalty?: number;
  best_of?: number | null;
  seed?: number | null;
  user?: string | null;
  logprobs?: boolean | null;
  top_logprobs?: number | null;
  logit_bias?: Record<string, number> | null;
  response_format?: {
    type: 'text' | 'json_object' | 'json_schema';
    json_schema?: Record<string, unknown> | null;
  } | null;
  tools?: ChatTool[] | null;
  tool_choice?: 'none' | 'auto' | { type?: 'function'; function: { name: string } } | null;
  parallel_tool_calls?: boolean | null;
  min_p?: number;
  repetition_penalty?: number;
  min_tokens?: number;
  ignore_eos?: boolean;
  stop_token_ids?: number[] | null;
  [key: string]: unknown;
}

/** Plain JSON-like JS value of a PyValue (dicts become objects, floats numbers). */
export function toJs(value: PyValue): unknown {
  if (value instanceof PyFloat) return value.value;
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(toJs);
  if (isDict(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of value) define(out, key, toJs(item));
    return out;
  }
  return value;
}

/** Own data property even for a key named `__proto__`. */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  else target[key] = value;
}

function coerce(schema: Schema, value: PyValue): unknown {
  const inner = schema.k === 'nullable' ? schema.inner : schema;
  let out: unknown;
  if (value === null) return null;
  if (inner.k === 'int') out = intValue(value);
  else if (inner.k === 'float') out = floatValue(value);
  else if (inner.k === 'bool') out = boolValue(value);
  else if (inner.k === 'model' && isDict(value)) return coerceModel(inner.index, value);
  if (typeof out === 'bigint') return Number(out);
  return out ?? toJs(value);
}

function coerceModel(
  index: Map<string, { schema: Schema }>,
  value: PyDict,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, item] of value) {
    const field = index.get(key);
    define(out, key, field ? coerce(field.schema, item) : toJs(item));
  }
  return out;
}

/** The typed request of a dict that passed validation. */
export function toChatRequest(body: PyDict): ChatRequest {
  return coerceModel(chatCompletionRequest.index, body) as ChatRequest;
}
