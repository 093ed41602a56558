import { KubeConfig, type RequestContext } from '@kubernetes/client-node';
import { Agent, type Dispatcher } from 'undici';
import { type ApiRequestKind, describeApiRequest, isWatchRequest } from './api-request.js';

/** The least time a write (apply, create, update, delete) is given (see the class). */
const WRITE_TIMEOUT_MS = 30_000;

export type ApiRequestListener = (request: ApiRequestKind) => void;

/**
 * The KubeConfig every Kubernetes client of the service is made from. Two things client-node
 * 2.0 does not do on its own:
 *
 * - **One connection pool.** client-node builds a new undici Agent (a new TLS connection)
 *   for every request; here the first one is kept and shared by every request and watch, so
 *   connections are reused (keep-alive), as client-go's transport does.
 * - **HTTP/1.1 keep-alive connections, not HTTP/2.** undici negotiates HTTP/2 by default and
 *   then multiplexes every request AND every watch on one connection, under one
 *   connection-level flow-control window: a burst of applies plus watch streams that are
 *   not read at once (a busy event loop) stalled every other request on it — hundreds of
 *   `HTTP/2 headers timeout after 5000` in a 100-service burst, each a pass retried with
 *   back-off. With HTTP/1.1 each watch and each request in flight has its own connection
 *   (reused, keep-alive), so a slow stream delays only itself; the number of connections is
 *   bounded by the passes running (RECONCILER_WORKERS) plus the watches.
 * - **Every request is seen**: counted (verb × resource, for the metrics and the
 *   benchmark's API-call figures, watches and discovery included) and given the request
 *   timeout (`headersTimeout`/`bodyTimeout`; watches excepted: the client's watch has its own
 *   inactivity timeout). Writes get at least WRITE_TIMEOUT_MS: under a burst the API server
 *   took more than 5 s to answer some Service applies, and a write
 *   abandoned by the client usually lands anyway — retrying it after a back-off only added
 *   the same request again and seconds of delay (55 of 100 Services in one burst).
 */
export class InstrumentedKubeConfig extends KubeConfig {
  private shared?: Dispatcher;
  private readonly listeners: ApiRequestListener[] = [];

  constructor(private readonly requestTimeoutMs: number) {
    super();
  }

  /** Calls `listener` for every request sent to the API server. */
  onRequest(listener: ApiRequestListener): void {
    this.listeners.push(listener);
  }

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    // The Agent client-node just made holds no connection yet; ours replaces it.
    this.shared ??= (context.getDispatcher() ?? new Agent()).compose(this.interceptor());
    context.setDispatcher(this.shared);
  }

  /** Closes the shared connections (on shutdown). */
  async close(): Promise<void> {
    const shared = this.shared;
    this.shared = undefined;
    await shared?.close().catch(() => undefined);
  }

  private interceptor(): Dispatcher.DispatcherComposeInterceptor {
    return (dispatch) => (options, handler) => {
      const kind = describeApiRequest(options.method, options.path, contentTypeOf(options.headers));
      for (const listener of this.listeners) listener(kind);
      if (isWatchRequest(options.path)) return dispatch(http1(options), handler);
      const timeout =
        options.method === 'GET'
          ? this.requestTimeoutMs
          : Math.max(this.requestTimeoutMs, WRITE_TIMEOUT_MS);
      return dispatch(
        { ...http1(options), headersTimeout: timeout, bodyTimeout: timeout },
        handler,
      );
    };
  }
}

/**
 * The request, on the Agent's HTTP/1.1-only pool: undici's Agent keeps a separate pool per
 * origin for dispatches with `allowH2: false` (lib/dispatcher/agent.js; not in its types).
 */
function http1(options: Dispatcher.DispatchOptions): Dispatcher.DispatchOptions {
  return { ...options, allowH2: false } as Dispatcher.DispatchOptions;
}

function contentTypeOf(headers: Dispatcher.DispatchOptions['headers']): string | undefined {
  if (!headers) return undefined;
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2)
      if (String(headers[i]).toLowerCase() === 'content-type') return String(headers[i + 1]);
    return undefined;
  }
  const entries: Iterable<[string, unknown]> =
    Symbol.iterator in headers
      ? (headers as Iterable<[string, unknown]>)
      : Object.entries(headers as Record<string, unknown>);
  for (const [name, value] of entries)
    if (name.toLowerCase() === 'content-type') return String(value);
  return undefined;
}
