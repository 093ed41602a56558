import { type PodTarget } from './pod-target.js';
import { type PodSamples } from './usage-figures.js';

/** A source of the metrics of a service's pods (Prometheus, or the exporters themselves). */
export interface UsageSource {
  readonly kind: 'prometheus' | 'scrape';
  /** What it reads for each pod; `signal` aborts the reads when the caller stops waiting. */
  read(pods: readonly PodTarget[], signal: AbortSignal): Promise<PodSamples[]>;
}

/** A short reason of a failed read, without URLs (they could carry credentials). */
export function readFailure(what: string, error: unknown): string {
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError'))
    return `${what}: no answer in time`;
  if (error instanceof HttpStatusError) return `${what}: HTTP ${error.status}`;
  if (error instanceof TypeError && error.cause !== undefined) {
    // fetch's network failure: the cause carries the system error code (ECONNREFUSED, …).
    const cause: unknown = error.cause;
    const code = typeof cause === 'object' && cause !== null && 'code' in cause ? cause.code : null;
    return `${what}: unreachable${typeof code === 'string' ? ` (${code})` : ''}`;
  }
  return `${what}: unexpected answer`;
}

export class HttpStatusError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
    this.name = 'HttpStatusError';
  }
}

/** GET `url` as text; throws HttpStatusError on a non-2xx answer. */
export async function getText(
  fetchFn: typeof fetch,
  url: string,
  signal: AbortSignal,
): Promise<string> {
  const res = await fetchFn(url, { signal, headers: { accept: 'text/plain, application/json' } });
  if (!res.ok) {
    await res.body?.cancel();
    throw new HttpStatusError(res.status);
  }
  return res.text();
}
