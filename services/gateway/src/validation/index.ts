import type { GatewayError } from '../errors/gateway-error.js';
import { decodeJsonBytes, rememberText, scanJson } from './py-json.js';
import { pydanticError } from './validate-chat-request.js';

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
  if (text === undefined) return { ok: false, error: unparsable() };
  const native = nativeParse(text);
  if (native) return { ok: true, value: native };
  const result = scanJson(text);
  if (result.ok) return { ok: true, value: result.value };
  if (result.kind === 'unparsable') return { ok: false, error: unparsable() };
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

/** FastAPI's answer when reading the body raises something other than a JSONDecodeError. */
function unparsable(): GatewayError {
  return { status: 400, body: { detail: 'There was an error parsing the body' } };
}
