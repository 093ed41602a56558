import { STATUS_CODES } from 'node:http';
import { HttpException, HttpStatus } from '@nestjs/common';
import { DomainError } from './domain-error.js';
import { CommonErrorCode, codeForStatus, type ErrorBody } from './error-body.js';
import { statusOfKind } from './http-status.js';

/** What to answer for an exception, and whether it was unexpected (to be logged as an error). */
export interface ErrorResponse {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
  unexpected: boolean;
}

const INTERNAL_MESSAGE = 'Internal server error';

function response(
  status: number,
  code: string,
  message: string,
  requestId: string,
  extra: Partial<Pick<ErrorResponse, 'headers' | 'unexpected'>> & {
    details?: Record<string, unknown>;
  } = {},
): ErrorResponse {
  const body: ErrorBody = { error_code: code, error_msg: message, request_id: requestId };
  if (extra.details !== undefined) body.details = extra.details;
  return { status, body, headers: extra.headers ?? {}, unexpected: extra.unexpected ?? false };
}

function fromDomainError(error: DomainError, requestId: string): ErrorResponse {
  return response(error.status ?? statusOfKind(error.kind), error.code, error.message, requestId, {
    details: error.details,
    headers: error.headers,
  });
}

/** The message(s) of an HttpException: `string`, or `{ message: string | string[] }`. */
function messagesOf(exception: HttpException): string[] {
  const res = exception.getResponse();
  if (typeof res === 'string') return [res];
  const message = (res as { message?: unknown }).message;
  if (typeof message === 'string') return [message];
  if (Array.isArray(message)) return message.filter((m): m is string => typeof m === 'string');
  return [exception.message];
}

function fromHttpException(exception: HttpException, requestId: string): ErrorResponse {
  const status = exception.getStatus();
  if (status >= 500) {
    // A framework 5xx carries internal text: answer with the standard phrase only.
    const phrase = STATUS_CODES[status] ?? INTERNAL_MESSAGE;
    return response(status, codeForStatus(status), phrase, requestId, { unexpected: true });
  }
  const messages = messagesOf(exception);
  return response(status, codeForStatus(status), messages.join('; '), requestId, {
    details: messages.length > 1 ? { messages } : undefined,
  });
}

/**
 * Errors Fastify raises before a handler runs (invalid JSON, unsupported media type, body
 * too large) carry a 4xx `statusCode` and a message written for clients.
 */
function isClientError(error: unknown): error is Error & { statusCode: number } {
  if (!(error instanceof Error)) return false;
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/**
 * Maps anything thrown while handling a request to the status and public body to answer
 * with. Unknown errors become a 500 whose body holds nothing of the original error.
 */
export function toErrorResponse(exception: unknown, requestId: string): ErrorResponse {
  if (exception instanceof DomainError) return fromDomainError(exception, requestId);
  if (exception instanceof HttpException) return fromHttpException(exception, requestId);
  if (isClientError(exception)) {
    const status = exception.statusCode;
    return response(status, codeForStatus(status), exception.message, requestId);
  }
  return response(
    HttpStatus.INTERNAL_SERVER_ERROR,
    CommonErrorCode.Internal,
    INTERNAL_MESSAGE,
    requestId,
    { unexpected: true },
  );
}
