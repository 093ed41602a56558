/**
 * An answer the gateway gives instead of the model's. Two body shapes exist (SPEC §8, seed 002
 * Table 4-19): the platform's own `{"error_code", "error_msg", "request_id"}` (ModelArts.8xxxx,
 * APIG.xxxx) and the model server's vLLM shape `{"object": "error", "message", "type",
 * "param", "code"}` for request-body errors, which pass through byte-for-byte as vLLM prints them.
 */
export interface GatewayError {
  status: number;
  /** Serialized as JSON exactly as given (key order matters for byte-for-byte answers). */
  body: Record<string, unknown>;
  /** Extra response headers, e.g. Retry-After and x-ratelimit-* on a 429. */
  headers?: Record<string, string>;
}

/** `{"error_code": code, "error_msg": message}`; the pipeline adds `request_id`. */
export function platformError(
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
): GatewayError {
  return {
    status,
    body: { error_code: code, error_msg: message },
    ...(headers ? { headers } : {}),
  };
}

/** vLLM's error shape: `{"object":"error","message":…,"type":…,"param":null,"code":status}`. */
export function vllmError(status: number, type: string, message: string): GatewayError {
  return { status, body: { object: 'error', message, type, param: null, code: status } };
}
