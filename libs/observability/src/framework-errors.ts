import { type Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import { type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import { CommonErrorCode, codeForStatus, type ErrorBody } from '@maas/errors';
import { REQUEST_ID_HEADER, requestIdFor } from './request-id.js';

/**
 * Fastify's own refusals, raised before any route, hook or exception filter runs: a URL
 * that does not decode (FST_ERR_BAD_URL), a path parameter over maxParamLength
 * (FST_ERR_MAX_PARAM_LENGTH), and what Node's HTTP parser refuses (headers too large, a
 * malformed request line, a request timeout). Left to Fastify they answer in Fastify's
 * body, and the first two echo the whole path; here they answer in our error body with a
 * fixed message (SPEC §10: a clear 4xx, nothing of the input echoed).
 */
const FRAMEWORK_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_BAD_URL: {
    status: 400,
    code: CommonErrorCode.BadRequest,
    message: 'The URL is not valid: its path does not decode',
  },
  FST_ERR_MAX_PARAM_LENGTH: {
    status: 414,
    code: CommonErrorCode.UriTooLong,
    message: 'A path parameter of the URL is too long',
  },
};

function errorJson(status: number, code: string, message: string, requestId: string): string {
  const body: ErrorBody = { error_code: code, error_msg: message, request_id: requestId };
  return JSON.stringify(body);
}

/** Fastify's `frameworkErrors`: the errors of its router (see FRAMEWORK_ERRORS). */
function frameworkErrors(
  error: Error & { code?: string },
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const known = FRAMEWORK_ERRORS[error.code ?? ''];
  const status = known?.status ?? 400;
  const requestId = String(request.id);
  void reply
    .code(status)
    .header(REQUEST_ID_HEADER, requestId)
    .type('application/json; charset=utf-8')
    .send(
      errorJson(
        status,
        known?.code ?? codeForStatus(status),
        known?.message ?? STATUS_CODES[status] ?? 'Bad Request',
        requestId,
      ),
    );
}

/** Node's clientError: what its HTTP parser refused, answered on the raw socket. */
function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, CommonErrorCode.HeaderFieldsTooLarge, 'The request headers are too large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, codeForStatus(408), 'The request took too long to arrive']
        : [400, CommonErrorCode.BadRequest, 'The request is not valid HTTP'];
  const requestId = requestIdFor({ headers: {} });
  const body = errorJson(status, code, message, requestId);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        `${REQUEST_ID_HEADER}: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/** The Fastify server options that route its own errors to our error body. */
export function frameworkErrorOptions(): Pick<
  FastifyServerOptions,
  'frameworkErrors' | 'clientErrorHandler'
> {
  return { frameworkErrors, clientErrorHandler };
}
