import type { GatewayError } from '../errors/gateway-error.js';
import { decodeJsonBytes, scanJson } from './py-json.js';
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

/** FastAPI's answer when reading the body raises something other than a JSONDecodeError. */
function unparsable(): GatewayError {
  return { status: 400, body: { detail: 'There was an error parsing the body' } };
}
