import { platformError, vllmError, type GatewayError } from '../errors/gateway-error.js';
import { chatCompletionRequest } from './chat-schema.js';
import { toChatRequest, type ChatRequest } from './chat-request.js';
import { check, valueError, type PydError } from './pydantic.js';
import { PyTuple, pairs, repr, type Reprable } from './py-repr.js';
import { fromJs, isDict, pyNumber, pyTruthy, type PyDict, type PyValue } from './py-value.js';
import { samplingError } from './sampling-rules.js';
import { fastRequest } from './fast-path.js';
import { bodyText, scanJson } from './py-json.js';

/**
 * Validation of a chat completion body, answering what the model server (vLLM's OpenAI server,
 * pydantic behind FastAPI) answers, in its order:
 *  1. the request model's `model_validator(mode="before")` hooks (pydantic runs the last declared
 *     first): one `value_error` for the whole body;
 *  2. the fields (chat-schema.ts): every pydantic error, fields in declaration order, then extra
 *     keys (`extra_forbidden`);
 *  3. message contents as vLLM's chat-template step reads them (roles, part types);
 *  4. SamplingParams ranges and the beam-search rules (sampling-rules.ts).
 * 1–2 answer 400 with `str(errors)` as the vLLM message (seed 002 Table 4-19), 3–4 with vLLM's
 * plain message. Before all that, the gateway's own routing check: a `model` that is present but
 * empty or not a string cannot be routed and gets ModelArts.81001 "Invalid request body." — seed
 * 002 Table 4-19 lists "empty model parameters" under 81001 (a missing `model` is the vLLM
 * `missing` answer the same table prints).
 *
 * Hot path: a body parseJsonBody read with JSON.parse whose values already have their exact
 * types is checked by fast-path.ts alone (a few µs); only bodies needing coercion or hooks, and
 * refusals, are re-read faithfully (py-json.ts) to produce vLLM's exact answer.
 */

export type ValidationResult =
  { ok: true; request: ChatRequest } | { ok: false; error: GatewayError };

/** Python's repr of pydantic's error list, as vLLM's handler puts it in `message`. */
export function pydanticMessage(errors: readonly PydError[]): string {
  const items = errors.map((e) => {
    const entries: [string, Reprable][] = [
      ['type', e.type],
      ['loc', new PyTuple(['body', ...e.loc])],
      ['msg', e.msg],
      ['input', e.input],
    ];
    if (e.ctx) entries.push(['ctx', pairs(e.ctx)]);
    return repr(pairs(entries));
  });
  return `[${items.join(', ')}]`;
}

export function pydanticError(errors: readonly PydError[]): GatewayError {
  return vllmError(400, 'BadRequestError', pydanticMessage(errors));
}

const ALLOWED_ROLES = new Set(['system', 'user', 'assistant', 'tool', 'developer', 'function']);
const PART_TYPES = new Set(['text', 'image_url', 'audio_url', 'refusal']);

const INVALID_BODY = (): GatewayError =>
  platformError(400, 'ModelArts.81001', 'Invalid request body.');

export function validateChatRequest(value: unknown): ValidationResult {
  const fast = isPlainObject(value) ? fastRequest(value) : undefined;
  if (fast) return refinedRequest(fast);
  const body = toPyValue(value);
  return body === undefined ? { ok: false, error: bodyUnreadable() } : faithfulValidation(body);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Map)
  );
}

/**
 * The body as Python's json.loads read it: re-read from its text when parseJsonBody kept it
 * (undefined when Python could not have read it at all — a JSON.parse object can still hold an
 * integer of more than 4300 digits or nest too deep).
 */
function toPyValue(value: unknown): PyValue | undefined {
  if (value instanceof Map) return value as PyDict;
  const text = typeof value === 'object' && value !== null ? bodyText(value) : undefined;
  if (text === undefined) return fromJs(value);
  const scanned = scanJson(text);
  return scanned.ok ? scanned.value : undefined;
}

/** FastAPI's answer when reading the body raises something other than a JSONDecodeError. */
export function bodyUnreadable(): GatewayError {
  return { status: 400, body: { detail: 'There was an error parsing the body' } };
}

/** Steps 3–4, on a request whose shape is valid. */
function refinedRequest(request: ChatRequest): ValidationResult {
  const message = messagesError(request) ?? samplingError(request);
  if (message) return { ok: false, error: vllmError(400, 'BadRequestError', message) };
  return { ok: true, request };
}

function faithfulValidation(body: PyValue): ValidationResult {
  if (body === null) {
    return fail([{ type: 'missing', loc: [], msg: 'Field required', input: null }]);
  }
  if (!isDict(body)) {
    // vLLM's before-hooks call `data.get` on it and answer 500; pydantic alone would say this.
    return fail([
      {
        type: 'model_attributes_type',
        loc: [],
        msg: 'Input should be a valid dictionary or object to extract fields from',
        input: body,
      },
    ]);
  }
  const model = body.get('model');
  if (model !== undefined && (typeof model !== 'string' || model.trim() === '')) {
    return { ok: false, error: INVALID_BODY() };
  }
  const hookError = beforeHooks(body);
  if (hookError) return fail([valueError([], hookError, body)]);
  const errors: PydError[] = [];
  if (!check(chatCompletionRequest, body, [], errors)) return fail(errors);
  return refinedRequest(toChatRequest(body));
}

function fail(errors: PydError[]): ValidationResult {
  return { ok: false, error: pydanticError(errors) };
}

/**
 * vLLM 0.6.3 ChatCompletionRequest's before-hooks, last declared first, on the raw dict with
 * Python truthiness. Where vLLM would crash on a value of the wrong type (a 500 there), the hook
 * is skipped and the field validation that follows reports the type.
 */
function beforeHooks(data: PyDict): string | undefined {
  if (pyTruthy(data.get('continue_final_message')) && pyTruthy(data.get('add_generation_prompt'))) {
    return 'Cannot set both `continue_final_message` and `add_generation_prompt` to True.';
  }
  const toolError = checkToolUsage(data);
  if (toolError) return toolError;
  const guided = ['guided_json', 'guided_regex', 'guided_choice'].filter(
    (k) => (data.get(k) ?? null) !== null,
  );
  if (guided.length > 1) {
    return "You can only use one kind of guided decoding ('guided_json', 'guided_regex' or 'guided_choice').";
  }
  const logprobsError = checkLogprobs(data);
  if (logprobsError) return logprobsError;
  if (pyTruthy(data.get('stream_options')) && !pyTruthy(data.get('stream'))) {
    return 'Stream options can only be defined when `stream=True`.';
  }
  return undefined;
}

function checkLogprobs(data: PyDict): string | undefined {
  const promptLogprobs = data.get('prompt_logprobs') ?? null;
  if (promptLogprobs !== null) {
    const n = pyNumber(promptLogprobs);
    if (n !== undefined) {
      if (pyTruthy(data.get('stream')) && n > 0)
        return '`prompt_logprobs` are not available when `stream=True`.';
      if (n < 0) return '`prompt_logprobs` must be a positive value.';
    }
  }
  const topLogprobs = data.get('top_logprobs') ?? null;
  if (topLogprobs !== null) {
    const n = pyNumber(topLogprobs);
    if (n === undefined) return undefined;
    if (n < 0) return '`top_logprobs` must be a positive value.';
    if (!pyTruthy(data.get('logprobs')))
      return 'when using `top_logprobs`, `logprobs` must be set to true.';
  }
  return undefined;
}

const TOOL_CHOICE_FORMAT =
  'Incorrectly formatted `tool_choice`. Should be like `{"type": "function", "function": {"name": "my_function"}}`';

/** check_tool_usage, including its side effect: tools without tool_choice mean tool_choice "auto". */
function checkToolUsage(data: PyDict): string | undefined {
  if (!data.has('tool_choice') && pyTruthy(data.get('tools'))) data.set('tool_choice', 'auto');
  if (!data.has('tool_choice')) return undefined;
  const tools = data.get('tools') ?? null;
  if (tools === null) return 'When using `tool_choice`, `tools` must be set.';
  const choice = data.get('tool_choice') ?? null;
  if (choice !== 'auto' && !isDict(choice)) {
    return '`tool_choice` must either be a named tool or "auto". `tool_choice="none" is not supported.';
  }
  return isDict(choice) ? namedToolError(choice, tools) : undefined;
}

/** The named-tool part of check_tool_usage; undefined also where vLLM would crash (KeyError…). */
function namedToolError(choice: PyDict, tools: PyValue): string | undefined {
  const fn = choice.get('function');
  if (fn === undefined) return undefined;
  if (!pyTruthy(fn)) return TOOL_CHOICE_FORMAT;
  if (!isDict(fn)) return undefined;
  const name = fn.get('name');
  if (!pyTruthy(name)) return TOOL_CHOICE_FORMAT;
  if (!Array.isArray(tools)) return undefined;
  for (const tool of tools) {
    const toolFn = isDict(tool) ? tool.get('function') : undefined;
    if (!isDict(toolFn) || toolFn.get('name') === name) return undefined;
  }
  return 'The tool specified in `tool_choice` does not match any of the specified `tools`';
}

/** Roles of SPEC §8 / Table 4-14 and content parts vLLM's chat step understands. */
function messagesError(request: ChatRequest): string | undefined {
  for (const [i, message] of request.messages.entries()) {
    if (!ALLOWED_ROLES.has(message.role)) {
      return `Invalid role ${JSON.stringify(message.role)} in messages[${i}]: expected one of "system", "user", "assistant", "tool", "developer".`;
    }
    const error = contentError(message.content, i);
    if (error) return error;
  }
  return undefined;
}

function contentError(content: unknown, i: number): string | undefined {
  if (content === undefined || content === null || typeof content === 'string') return undefined;
  if (!Array.isArray(content)) {
    return `Invalid content in messages[${i}]: expected a string or an array of content parts.`;
  }
  for (let j = 0; j < content.length; j++) {
    const error = partError(content[j], `messages[${i}].content[${j}]`);
    if (error) return error;
  }
  return undefined;
}

function partError(part: unknown, where: string): string | undefined {
  if (typeof part !== 'object' || part === null || Array.isArray(part)) {
    return `Invalid content part ${where}: expected an object with a "type".`;
  }
  const p = part as Record<string, unknown>;
  if (typeof p.type !== 'string') return `Invalid content part ${where}: "type" must be a string.`;
  if (!PART_TYPES.has(p.type)) return `Unknown part type: ${p.type}`;
  return p.type === 'text' ? textPartError(p, where) : urlPartError(p, p.type, where);
}

function textPartError(p: Record<string, unknown>, where: string): string | undefined {
  return typeof p.text === 'string'
    ? undefined
    : `Invalid content part ${where}: "text" must be a string.`;
}

/** image_url and audio_url parts need `{ "url": string }`; refusal parts need nothing here. */
function urlPartError(p: Record<string, unknown>, type: string, where: string): string | undefined {
  if (type !== 'image_url' && type !== 'audio_url') return undefined;
  const ref = p[type];
  const url = typeof ref === 'object' && ref !== null ? (ref as { url?: unknown }).url : undefined;
  return typeof url === 'string'
    ? undefined
    : `Invalid content part ${where}: "${type}.url" must be a string.`;
}
