// The admin APIs through plain fetch, as any client would call them. A failure names the
// request and the whole answer, so a broken step says exactly what the service replied.
export interface ApiAnswer<T> {
  status: number;
  body: T;
  headers: Headers;
}

export class ApiError extends Error {
  readonly status: number;
  readonly body: unknown;
  constructor(method: string, url: string, status: number, body: unknown, sent?: unknown) {
    const request = sent === undefined ? '' : ` ${JSON.stringify(sent)}`;
    super(`${method} ${url}${request} → ${status} ${JSON.stringify(body)}`);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
  }

  /** The platform error code of the answer (`error_code`), if any. */
  get code(): string | undefined {
    const b = this.body as { error_code?: unknown } | null;
    return typeof b?.error_code === 'string' ? b.error_code : undefined;
  }
}

export interface CallOptions {
  /** IAM token (X-Auth-Token). */
  token?: string;
  /** The operator's shared secret (X-Operator-Token). */
  operator?: string;
  body?: unknown;
  /** Statuses that count as success (default: any 2xx). */
  expect?: number[];
}

export async function api<T = Record<string, unknown>>(
  method: string,
  url: string,
  { token, operator, body, expect }: CallOptions = {},
): Promise<ApiAnswer<T>> {
  const headers: Record<string, string> = {};
  if (token) headers['x-auth-token'] = token;
  if (operator) headers['x-operator-token'] = operator;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text for the error message
  }
  const ok = expect ? expect.includes(res.status) : res.status >= 200 && res.status < 300;
  if (!ok) throw new ApiError(method, url, res.status, parsed, redact(body));
  return { status: res.status, body: parsed as T, headers: res.headers };
}

/** Request bodies are printed on failure; passwords are not. */
function redact(body: unknown): unknown {
  if (body === null || typeof body !== 'object') return body;
  return JSON.parse(
    JSON.stringify(body, (k, v: unknown) => (/password/i.test(k) ? '***' : v)),
  ) as unknown;
}
