/** HTTP statuses after which the same request may succeed later. */
const RETRYABLE_STATUSES = new Set([408, 409, 410, 425, 429, 500, 502, 503, 504]);

/** The cause type the API server gives a write into a namespace being deleted. */
const NAMESPACE_TERMINATING = 'NamespaceTerminating';

/** A Status's `details` (metav1.StatusDetails): which object, and why, field by field. */
export interface KubeStatusDetails {
  readonly name?: string;
  readonly group?: string;
  /** The resource (plural, e.g. `namespaces`) the status is about. */
  readonly kind?: string;
  readonly causes?: readonly { readonly type?: string; readonly field?: string }[];
}

/**
 * A failed Kubernetes API request, classified by its HTTP status, Status reason and details
 * (never by message text, which is for people). `retryable`: the same request may succeed
 * later — no answer or a timeout, 409 Conflict/AlreadyExists, 410 Gone, 429, 5xx, and a
 * write into a namespace that is missing or being deleted (the namespace is applied again).
 * Otherwise it is terminal for the object as it is (400/422 invalid, 401/403 forbidden,
 * 404, 405, 413): retrying cannot help until something else changes.
 */
export class KubeApiError extends Error {
  constructor(
    readonly operation: string,
    /** The HTTP status; null when no answer came (network error, timeout). */
    readonly status: number | null,
    /** The Status reason (`NotFound`, `Conflict`, `Invalid`, …) or the error's code. */
    readonly reason: string,
    message: string,
    options?: { cause?: unknown; details?: KubeStatusDetails },
  ) {
    super(`${operation}: ${message}`, options);
    this.name = 'KubeApiError';
    this.details = options?.details ?? {};
  }

  readonly details: KubeStatusDetails;

  get retryable(): boolean {
    return (
      this.status === null ||
      RETRYABLE_STATUSES.has(this.status) ||
      this.namespaceMissing ||
      this.namespaceTerminating
    );
  }

  get notFound(): boolean {
    return this.status === 404;
  }

  get conflict(): boolean {
    return this.status === 409;
  }

  /** A namespaced write whose namespace does not exist (404 about `namespaces`). */
  get namespaceMissing(): boolean {
    return this.status === 404 && this.details.kind === 'namespaces';
  }

  /** A write into a namespace being deleted (403, cause NamespaceTerminating). */
  get namespaceTerminating(): boolean {
    return (
      this.status === 403 &&
      (this.details.causes ?? []).some((c) => c.type === NAMESPACE_TERMINATING)
    );
  }
}

interface StatusBody {
  reason?: string;
  message?: string;
  details?: KubeStatusDetails;
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
  return new KubeApiError(operation, status, reason, message, {
    cause: error,
    details: detailsOf(body),
  });
}

function detailsOf(body: StatusBody | null): KubeStatusDetails | undefined {
  const details = body?.details;
  return typeof details === 'object' && details !== null ? details : undefined;
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
