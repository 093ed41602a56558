import { type GatewayError, platformError, vllmError } from './gateway-error.js';

/**
 * The gateway's own answers of seed 002 Table 4-19 (status, code, message exactly as the seed
 * prints them, "senstive" included). ModelArts.* bodies are `{"error_code", "error_msg"}`;
 * APIG.* bodies put `error_msg` first, as the seed's APIG rows do. The pipeline adds
 * `request_id` to both.
 */

/** An API Gateway answer: `{"error_msg", "error_code"}` (the seed's key order). */
export function apigError(
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
): GatewayError {
  return {
    status,
    body: { error_msg: message, error_code: code },
    ...(headers ? { headers } : {}),
  };
}

/** 400 ModelArts.81002: no Authorization header, a blank one, or one without `Bearer `. */
export const missingAuthorization = (): GatewayError =>
  platformError(400, 'ModelArts.81002', 'Failed to get the authorization header.');

/** 401 ModelArts.81003: the key (or IAM token) is not one this region knows. */
export const invalidAuthorization = (): GatewayError =>
  platformError(401, 'ModelArts.81003', 'Invalid authorization header.');

/** 401 ModelArts.81004: the caller may not call this service or model (scope, preset, policy). */
export const noAccess = (): GatewayError =>
  platformError(401, 'ModelArts.81004', 'Invalid request because you do not have access to it.');

/** 401 ModelArts.81005: the free token quota of a preset model is used up. */
export const freeQuotaUsedUp = (): GatewayError =>
  platformError(401, 'ModelArts.81005', 'The free quota has been used up.');

/** 401 ModelArts.81006: the key or the account is frozen. */
export const frozen = (): GatewayError =>
  platformError(401, 'ModelArts.81006', 'The resource is frozen.');

/** 403 ModelArts.81011: input (or non-streaming output) flagged by content moderation. */
export const sensitiveContent = (): GatewayError =>
  platformError(403, 'ModelArts.81011', 'May contain senstive');

/** 404 ModelArts.81009: no service of that name for the caller (region endpoints). */
export const invalidModel = (): GatewayError =>
  platformError(404, 'ModelArts.81009', 'Invalid model.');

/**
 * 404 in vLLM's shape, as the model server itself answers a `model` it does not serve (the
 * per-service and V1 paths name the service; a wrong `model` there is the server's answer).
 */
export const modelDoesNotExist = (model: string): GatewayError =>
  vllmError(404, 'NotFoundError', `The model \`${model}\` does not exist.`);

/** 404 APIG.0101: no such API. */
export const apiNotFound = (): GatewayError =>
  apigError(
    404,
    'APIG.0101',
    'The API does not exist or has not been published in the environment',
  );

/** 405 on a known path with another method: `{"detail":"Method Not Allowed"}` as the seed prints it. */
export const METHOD_NOT_ALLOWED_BODY = '{"detail":"Method Not Allowed"}';

/** 504 APIG.0203: the model server did not answer in time. */
export const backendTimeout = (): GatewayError => apigError(504, 'APIG.0203', 'Backend timeout');

/**
 * 502 APIG.0201: no instance could be reached (none ready, or every connection attempt
 * failed). The seed has no row for it; APIG.0201 is API Gateway's code for it.
 */
export const backendUnavailable = (): GatewayError =>
  apigError(502, 'APIG.0201', 'Backend unavailable');

/** 429 APIG.0308: the per-client-address limit (seed's message, with the configured limit). */
export const ipOverRateLimit = (limit: number, headers?: Record<string, string>): GatewayError =>
  apigError(
    429,
    'APIG.0308',
    `The throttling threshold has been reached: policy ip over ratelimit,limit:${limit},time:1 minute`,
    headers,
  );

/** 503 when the limiter's failure mode is `closed` and Redis cannot be asked. */
export const limiterUnavailable = (): GatewayError =>
  apigError(503, 'APIG.0201', 'Rate limiting is unavailable; try again later');

/** 503 while the gateway drains for shutdown. */
export const shuttingDown = (): GatewayError =>
  apigError(503, 'APIG.0201', 'The gateway is shutting down; retry');

/** 500 for a failure of the gateway itself (never a stack trace). */
export const internalError = (): GatewayError =>
  platformError(500, 'ModelArts.81000', 'Internal error.');

/** The body bytes of an error answer, with the request id for the platform shapes. */
export function errorPayload(error: GatewayError, requestId: string): string {
  if ('error_code' in error.body) return JSON.stringify({ ...error.body, request_id: requestId });
  return JSON.stringify(error.body);
}
