import { type IncomingHttpHeaders } from 'node:http';
import { type Dispatcher } from 'undici';
import { type RoutableService } from '../directory/index.js';
import { type InstanceLease, type InstanceRegistry } from '../instances/index.js';
import { classifyUpstreamError, type UpstreamFailure } from './upstream-errors.js';
import { type UpstreamPools } from './upstream-pools.js';

/** How long an instance that refused a connection is skipped (passive health check). */
const EJECT_MS = 5_000;
/** Instances tried per call at most (the first and up to two others). */
const MAX_ATTEMPTS = 3;

export interface UpstreamCall {
  method: 'GET' | 'POST';
  path: string;
  body?: Buffer | string;
  requestId: string;
  /** Aborts the call (client disconnect, drain deadline). */
  signal: AbortSignal;
}

export interface UpstreamResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: Dispatcher.ResponseData['body'];
  /** The instance serving it; release once the body is consumed or abandoned. */
  lease: InstanceLease;
  attempts: number;
}

export type UpstreamResult =
  | { ok: true; response: UpstreamResponse }
  | { ok: false; failure: UpstreamFailure | 'no_instance'; attempts: number; error?: unknown };

/**
 * Sends a call to a ready instance of a service (SPEC §8): the instance with the fewest
 * outstanding calls (InstanceRegistry), over a keep-alive pool. When the connection cannot be
 * made — nothing was sent, so the call cannot have run — it tries another instance and skips
 * the refusing one for a few seconds; any other failure is final (a POST is not idempotent
 * once sent: the model may have run it).
 */
export class UpstreamProxy {
  private readonly ejected = new Map<string, number>();

  constructor(
    private readonly instances: InstanceRegistry,
    private readonly pools: UpstreamPools,
  ) {}

  async send(service: RoutableService, call: UpstreamCall): Promise<UpstreamResult> {
    const tried = new Set<string>();
    let attempts = 0;
    let lastError: unknown;
    while (attempts < MAX_ATTEMPTS) {
      const lease = this.acquire(service, tried);
      if (!lease) break;
      attempts += 1;
      tried.add(lease.instanceId);
      try {
        const response = await this.pools.get(lease.origin).request({
          method: call.method,
          path: call.path,
          headers: {
            'content-type': 'application/json',
            accept: call.method === 'POST' ? '*/*' : 'application/json',
            'x-request-id': call.requestId,
          },
          body: call.body,
          signal: call.signal,
        });
        return {
          ok: true,
          response: {
            statusCode: response.statusCode,
            headers: response.headers,
            body: response.body,
            lease,
            attempts,
          },
        };
      } catch (error) {
        lease.release();
        lastError = error;
        const failure = call.signal.aborted ? 'aborted' : classifyUpstreamError(error);
        if (failure !== 'connect') return { ok: false, failure, attempts, error };
        this.ejected.set(lease.instanceId, Date.now() + EJECT_MS);
      }
    }
    return lastError === undefined
      ? { ok: false, failure: 'no_instance', attempts }
      : { ok: false, failure: 'connect', attempts, error: lastError };
  }

  /** A ready instance not tried yet, preferring ones that have not refused connections lately. */
  private acquire(service: RoutableService, tried: Set<string>): InstanceLease | undefined {
    const now = Date.now();
    const skip = new Set(tried);
    for (const [id, until] of this.ejected) {
      if (until <= now) this.ejected.delete(id);
      else skip.add(id);
    }
    // Every ready instance refused lately: try them anyway (one may be back).
    return (
      this.instances.acquire(service, skip.size > 0 ? skip : undefined) ??
      (skip.size > tried.size ? this.instances.acquire(service, tried) : undefined)
    );
  }
}
