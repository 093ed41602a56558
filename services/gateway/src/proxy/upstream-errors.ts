/** How an upstream call failed, as far as the gateway's answer and its retry decision go. */
export type UpstreamFailure =
  /** No connection was made: nothing was sent, another instance may be tried. */
  | 'connect'
  /** The model server did not answer (headers) or went silent (body) in time: 504 APIG.0203. */
  | 'timeout'
  /** The client went away and the gateway aborted the call. */
  | 'aborted'
  /** The connection broke after the request was (maybe) sent: not retried. */
  | 'broken';

/** Error codes of failures before a single byte of the request left the gateway. */
const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const own = (error as { code?: unknown }).code;
  if (typeof own === 'string') return own;
  const cause = (error as { cause?: unknown }).cause;
  return cause === undefined ? undefined : codeOf(cause);
}

export function classifyUpstreamError(error: unknown): UpstreamFailure {
  const code = codeOf(error);
  if (code !== undefined && CONNECT_CODES.has(code)) return 'connect';
  if (code !== undefined && TIMEOUT_CODES.has(code)) return 'timeout';
  if (
    code === 'UND_ERR_ABORTED' ||
    code === 'ABORT_ERR' ||
    (error instanceof Error && error.name === 'AbortError')
  ) {
    return 'aborted';
  }
  return 'broken';
}
