/** HTTP statuses after which the same request may succeed later. */
const RETRYABLE_STATUSES = new Set([408, 409, 425, 429, 500, 502, 503, 504]);

/**
 * A failed Kubernetes API request, classified. `retryable`: the same request may succeed
 * later (network errors, timeouts, 409 conflicts, 429, 5xx) and is retried with back-off.
 * Otherwise it is terminal for the object as it is (400/422 invalid, 401/403 forbidden,
 * 404, 405, 413): retrying soon cannot help, so the pass reports it and retries slowly.
 */
export class KubeApiError extends Error {
  constructor(
    readonly operation: string,
    /** The HTTP status; null when no answer came (network error, timeout). */
    readonly status: number | null,
    /** The Status reason (`NotFound`, `Conflict`, `Invalid`, …) or the error's code. */
    readonly reason: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${operation}: ${message}`, options);
    this.name = 'KubeApiError';
  }

  get retryable(): boolean {
    return this.status === null || RETRYABLE_STATUSES.has(this.status);
  }

  get notFound(): boolean {
    return this.status === 404;
  }

  get conflict(): boolean {
    return this.status === 409;
  }
}

interface StatusBody {
  reason?: string;
  message?: string;
}

interface ApiExceptionLike {
  code?: unknown;
  body?: unknown;
  message?: unknown;
  name?: unknown;
  cause?: unknown;
}

/** Maps what @kubernetes/client-node throws (ApiException, fetch errors) to a KubeApiError. */
export function toKubeApiError(operation: string, error: unknown): KubeApiError {
  if (error instanceof KubeApiError) return error;
  const e = (error ?? {}) as ApiExceptionLike;
  const status = typeof e.code === 'number' && e.code >= 100 ? e.code : null;
  const body = parseBody(e.body);
  const reason =
    body?.reason ?? (status === null ? networkReason(e) : `HTTP${status}`) ?? 'Unknown';
  const message = body?.message ?? messageOf(e);
  return new KubeApiError(operation, status, reason, message, { cause: error });
}

function parseBody(body: unknown): StatusBody | null {
  if (body === undefined || body === null) return null;
  if (typeof body === 'object') return body;
  if (typeof body !== 'string') return null;
  try {
    const parsed: unknown = JSON.parse(body);
    return parsed && typeof parsed === 'object' ? parsed : null;
  } catch {
    return body.length > 0 ? { message: body.slice(0, 500) } : null;
  }
}

function networkReason(e: ApiExceptionLike): string {
  const cause = e.cause as { code?: unknown } | undefined;
  if (typeof cause?.code === 'string') return cause.code;
  return typeof e.name === 'string' ? e.name : 'NetworkError';
}

function messageOf(e: ApiExceptionLike): string {
  const cause = e.cause as { message?: unknown } | undefined;
  const own = typeof e.message === 'string' ? e.message : 'request failed';
  return typeof cause?.message === 'string' ? `${own} (${cause.message})` : own;
}
