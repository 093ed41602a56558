import { HttpStatus } from '@nestjs/common';
import { assertUnreachable } from './assert-unreachable.js';
import { type ErrorKind } from './domain-error.js';

/**
 * The one mapping from error kind to HTTP status.
 *
 * quota_exceeded is 403, not 429: a quota is a standing limit on what an account may own or
 * use (30 keys, 50 agencies, NPUs per pool) that retrying will not lift; 429 is kept for
 * rate_limited, a time-window limit the client can wait out (with Retry-After).
 */
export function statusOfKind(kind: ErrorKind): number {
  switch (kind) {
    case 'validation':
      return HttpStatus.BAD_REQUEST;
    case 'unauthorized':
      return HttpStatus.UNAUTHORIZED;
    case 'forbidden':
    case 'quota_exceeded':
      return HttpStatus.FORBIDDEN;
    case 'not_found':
      return HttpStatus.NOT_FOUND;
    case 'conflict':
      return HttpStatus.CONFLICT;
    case 'rate_limited':
      return HttpStatus.TOO_MANY_REQUESTS;
    case 'unavailable':
      return HttpStatus.SERVICE_UNAVAILABLE;
    default:
      return assertUnreachable(kind, 'error kind');
  }
}
