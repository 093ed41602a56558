import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signatureHeader, verifySignature } from './webhook-signature.js';

const secret = 'a-test-secret-of-enough-length';
const body = '{"event":"Running"}';

describe('webhook signature', () => {
  it('is t=<unix>,v1=<hex hmac-sha256 of "t.body">', () => {
    const header = signatureHeader(secret, body, 1_700_000_000);
    const hex = createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex');
    expect(header).toBe(`t=1700000000,v1=${hex}`);
  });

  it('verifies its own header within the tolerance', () => {
    const now = 1_700_000_000_000;
    const header = signatureHeader(secret, body, now / 1000);
    expect(verifySignature(secret, body, header, { now })).toBe(true);
    expect(verifySignature(secret, body, header, { now: now + 301_000 })).toBe(false);
  });

  it('rejects another body, another secret, or a mangled header', () => {
    const now = Date.now();
    const header = signatureHeader(secret, body, Math.floor(now / 1000));
    expect(verifySignature(secret, `${body} `, header, { now })).toBe(false);
    expect(verifySignature(`${secret}x`, body, header, { now })).toBe(false);
    expect(verifySignature(secret, body, header.replace('v1=', 'v1=0'), { now })).toBe(false);
    expect(verifySignature(secret, body, 'garbage', { now })).toBe(false);
  });
});
