import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const AK_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const SK_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomString(alphabet: string, length: number): string {
  // Rejection sampling: no modulo bias.
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit && out.length < length) out += alphabet[byte % alphabet.length];
    }
  }
  return out;
}

/** A new access key pair: AK (20 upper-case letters and digits, public) and SK (40 characters, secret). */
export function newAccessKeyPair(): { accessKey: string; secretKey: string } {
  return { accessKey: randomString(AK_ALPHABET, 20), secretKey: randomString(SK_ALPHABET, 40) };
}

/**
 * The stored form of a secret key. An SK has ~238 bits of entropy, so a fast hash suffices
 * (no brute force can reach it) and keeps AK/SK sign-in cheap.
 */
export function hashSecretKey(secretKey: string): string {
  return createHash('sha256').update(secretKey).digest('hex');
}

export function secretKeyMatches(storedHash: string, secretKey: string): boolean {
  const expected = Buffer.from(storedHash, 'hex');
  const actual = createHash('sha256').update(secretKey).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
