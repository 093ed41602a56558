/**
 * Request-body validation of the inference gateway (SPEC §8; seed 002 Tables 4-8, 4-13..4-15,
 * 4-19). Pure code: no I/O, no Nest. The pipeline calls, in this order:
 *
 *   const parsed = parseJsonBody(rawBody);            // 400 json_invalid / missing body
 *   if (!parsed.ok) return reply(parsed.error);
 *   const valid = validateChatRequest(parsed.value);  // 400 pydantic list / vLLM message / 81001
 *   if (!valid.ok) return reply(valid.error);
 *   … resolve valid.request.model to a service …
 *   const refused = checkModelRules(valid.request, service);  // n > 1 on DeepSeek-R1/V3
 *
 * Answers are what the model server (vLLM 0.6.3's OpenAI server; seed 002 Table 4-19 prints its
 * answers) sends for the same body, byte for byte; see validate-chat-request.ts for the order and
 * the gateway's own additions (81001 for an empty `model`, roles, content parts,
 * `max_completion_tokens`). FastAPI parses the body as JSON only for a JSON content type (or
 * none): the content-type decision is the caller's. Regenerating the fixtures: fixtures/*.py.
 */
import type { GatewayError } from '../errors/gateway-error.js';
import { decodeJsonBytes, rememberText, scanJson } from './py-json.js';
import { bodyUnreadable, pydanticError } from './validate-chat-request.js';

export type {
  ChatContentPart,
  ChatMessage,
  ChatRequest,
  ChatTool,
  ChatToolCall,
} from './chat-request.js';
export { checkModelRules } from './model-rules.js';
export { validateChatRequest, type ValidationResult } from './validate-chat-request.js';
export { PyFloat, type PyDict, type PyValue } from './py-value.js';

/**
 * The request body as the model server's `json.loads` reads it (see py-json.ts), or the 400 it
 * answers (seed 002 Table 4-19): no body → `missing` at ('body',); invalid JSON → `json_invalid`
 * with Python's message and position; undecodable bytes (or absurd nesting/integers) → FastAPI's
 * `{"detail":"There was an error parsing the body"}`. The value is meant for validateChatRequest.
 */
export function parseJsonBody(
  raw: Buffer | undefined,
): { ok: true; value: unknown } | { ok: false; error: GatewayError } {
  if (!raw || raw.length === 0) {
    return {
      ok: false,
      error: pydanticError([{ type: 'missing', loc: [], msg: 'Field required', input: null }]),
    };
  }
  const text = decodeJsonBytes(raw);
  if (text === undefined) return { ok: false, error: bodyUnreadable() };
  const native = nativeParse(text);
  if (native) return { ok: true, value: native };
  const result = scanJson(text);
  if (result.ok) return { ok: true, value: result.value };
  if (result.kind === 'unparsable') return { ok: false, error: bodyUnreadable() };
  return {
    ok: false,
    error: pydanticError([
      {
        type: 'json_invalid',
        loc: [result.pos],
        msg: 'JSON decode error',
        input: new Map(),
        ctx: [['error', result.msg]],
      },
    ]),
  };
}

/**
 * V8's JSON.parse for the fast path: an object it reads is one Python reads the same way (see
 * fast-path.ts); its text is kept for a faithful re-read if validation has to report errors.
 * Anything else (a syntax error to report with Python's message, NaN, a top-level scalar) is
 * left to the faithful scanner.
 */
function nativeParse(text: string): object | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  rememberText(value, text);
  return value;
}
