import { randomInt } from 'node:crypto';

/** A fresh client address (the gateways under test trust X-Forwarded-For). */
export function clientIp(): string {
  return `10.${randomInt(1, 255)}.${randomInt(0, 255)}.${randomInt(1, 255)}`;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown>;
}

/** A raw HTTP call to a gateway, each from its own client address unless one is given. */
export async function call(
  base: string,
  path: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    body?: unknown;
    raw?: string;
    ip?: string;
  } = {},
): Promise<Answer> {
  const body =
    options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const res = await fetch(`${base}${path}`, {
    method: options.method ?? (body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      'x-forwarded-for': options.ip ?? clientIp(),
      ...options.headers,
    },
    body,
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON (an SSE stream)
  }
  return { status: res.status, headers: res.headers, text, json };
}

export const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

export const hello = (model: string, extra: Record<string, unknown> = {}) => ({
  model,
  messages: [{ role: 'user', content: 'Hello' }],
  max_tokens: 5,
  ...extra,
});
