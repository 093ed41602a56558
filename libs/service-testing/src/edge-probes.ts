import { type NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * Requests no service may answer with a 500 (SPEC §10), for the integration tests of the edge
 * input hygiene every service gets from @maas/app: raw bodies, any method, any content type.
 */
export interface EdgeRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS' | 'TRACE';
  url: string;
  /** Sent as X-Auth-Token. */
  token?: string;
  /** The body exactly as sent; with it the content type defaults to application/json. */
  payload?: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
}

/** What a refusal said: status, our error body's code and message, the fields it names. */
export interface EdgeAnswer {
  status: number;
  code?: string;
  message?: string;
  fields: string[];
  allow?: string;
  /** The raw body, to check nothing of the input came back. */
  body: string;
}

/** JSON nested `levels` deep under one key: `{"<key>":[[[…]]]}`. */
export function deepJson(levels = 10_000, key = 'deep'): string {
  return `{"${key}":${'['.repeat(levels)}${']'.repeat(levels)}}`;
}

/** Numbers beyond any column of ours (bigint's max, and one JavaScript cannot hold exactly). */
export const HUGE_NUMBERS = ['9223372036854775807', '1e20'] as const;

/** Body media types no route documents. */
export const NON_JSON_TYPES = ['application/x-www-form-urlencoded', 'text/plain'] as const;

/** Sends a request as is and reads our error body (if it is one). */
export async function edgeRequest(
  app: NestFastifyApplication,
  request: EdgeRequest,
): Promise<EdgeAnswer> {
  const headers: Record<string, string> = { ...request.headers };
  if (request.token) headers['x-auth-token'] = request.token;
  if (request.payload !== undefined) {
    headers['content-type'] = request.contentType ?? 'application/json';
  }
  const res = await app.inject({
    method: request.method,
    url: request.url,
    headers,
    ...(request.payload === undefined ? {} : { payload: request.payload }),
  });
  let parsed: {
    error_code?: string;
    error_msg?: string;
    details?: { fields?: { field: string }[] };
  } = {};
  try {
    parsed = res.json();
  } catch {
    // Not JSON (e.g. an empty 204): only the status matters then.
  }
  return {
    status: res.statusCode,
    code: parsed.error_code,
    message: parsed.error_msg,
    fields: (parsed.details?.fields ?? []).map((f) => f.field),
    allow: res.headers.allow,
    body: res.body,
  };
}
