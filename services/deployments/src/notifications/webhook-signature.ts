import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header carrying the signature of a webhook notification. */
export const SIGNATURE_HEADER = 'X-MaaS-Signature';

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`: the receiver recomputes the
 * HMAC over the timestamp and the raw body, compares in constant time, and rejects old
 * timestamps (replays). Same scheme as Stripe's, so existing verifiers fit.
 */
export function signatureHeader(secret: string, body: string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${hmac(secret, unixSeconds, body)}`;
}

/** Verifies a header made by signatureHeader; `toleranceSeconds` bounds the timestamp's age. */
export function verifySignature(
  secret: string,
  body: string,
  header: string,
  { now = Date.now(), toleranceSeconds = 300 } = {},
): boolean {
  const parts = new Map(
    header.split(',').map((part) => {
      const i = part.indexOf('=');
      return [part.slice(0, i).trim(), part.slice(i + 1).trim()] as const;
    }),
  );
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1') ?? '';
  if (!Number.isInteger(t) || Math.abs(now / 1000 - t) > toleranceSeconds) return false;
  const expected = Buffer.from(hmac(secret, t, body), 'hex');
  const given = Buffer.from(v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function hmac(secret: string, t: number, body: string): string {
  return createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
}
