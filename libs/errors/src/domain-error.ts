/**
 * What kind of failure a domain error is; the exception filter maps each kind to one HTTP
 * status (see statusOfKind).
 */
export type ErrorKind =
  | 'not_found'
  | 'conflict'
  | 'forbidden'
  | 'unauthorized'
  | 'validation'
  | 'quota_exceeded'
  | 'rate_limited'
  | 'unavailable';

export interface DomainErrorOptions {
  /**
   * Safe, public structured details (e.g. the offending fields). Sent to the client as is:
   * never put internal state or secrets here.
   */
  details?: Record<string, unknown>;
  /**
   * Overrides the status the kind maps to. Only for an external contract that dictates an
   * unusual status (e.g. the seed's 401 for an exhausted free quota).
   */
  status?: number;
  /** Extra response headers, e.g. Retry-After on a rate_limited error. */
  headers?: Record<string, string>;
  /** The underlying error, logged server-side only. */
  cause?: unknown;
}

/**
 * Base class of every expected, client-facing failure. `code` is a stable string from the
 * feature's error-code enum (e.g. `IAM.0101`); `message` is public and must not contain
 * secrets or internals.
 */
export class DomainError extends Error {
  readonly details?: Record<string, unknown>;
  readonly status?: number;
  readonly headers?: Record<string, string>;

  constructor(
    readonly code: string,
    readonly kind: ErrorKind,
    message: string,
    options: DomainErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.details = options.details;
    this.status = options.status;
    this.headers = options.headers;
  }
}
