import { createHmac, createSecretKey, type KeyObject, randomBytes } from 'node:crypto';

/** Every API key secret starts with this, so scanners and people recognise one. */
export const API_KEY_PREFIX = 'sk-';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** 43 base62 characters hold 256.03 bits: at least the 32 random bytes we promise. */
const BODY_LENGTH = 43;

/** `sk-` and 43 base62 characters. */
export const API_KEY_PATTERN = /^sk-[A-Za-z0-9]{43}$/;

/** The algorithm tag of stored and published secret hashes. */
export const API_KEY_HASH_ALGORITHM = 'hmac-sha256';

/** Shortest accepted pepper: 32 characters. */
export const MIN_PEPPER_LENGTH = 32;

/**
 * A new secret: `sk-` + 43 characters drawn uniformly from [A-Za-z0-9] (rejection sampling,
 * no modulo bias), 256 bits of entropy. Base62 keeps it one word (double-click selects it).
 */
export function generateApiKeySecret(): string {
  const limit = 256 - (256 % ALPHABET.length); // 248: bytes at or above it are dropped
  let body = '';
  while (body.length < BODY_LENGTH) {
    for (const byte of randomBytes(64)) {
      if (byte < limit && body.length < BODY_LENGTH) body += ALPHABET[byte % ALPHABET.length];
    }
  }
  return API_KEY_PREFIX + body;
}

/** Whether a presented string has the shape of a secret (cheap pre-check before hashing). */
export function looksLikeApiKey(value: string): boolean {
  return API_KEY_PATTERN.test(value);
}

/** The non-secret parts of a secret shown in listings: `sk-` + 4 characters, and the last 4. */
export function displayParts(secret: string): { prefix: string; suffix: string } {
  return { prefix: secret.slice(0, API_KEY_PREFIX.length + 4), suffix: secret.slice(-4) };
}

/**
 * Hashes secrets the one way the keys service stores them and every verifier looks them up:
 * `hmac-sha256:` + HMAC-SHA-256(pepper, secret) in lowercase hex. A secret has 256 random
 * bits, so a fast keyed hash is right (a slow KDF adds nothing but latency on every call);
 * the pepper, which never leaves the configuration of the keys service and the gateways,
 * makes a leaked table or topic useless for offline guessing even of weaker secrets.
 */
export class ApiKeyHasher {
  /**
   * A KeyObject, not the Buffer: createHmac with a Buffer key probes whether it is a KeyObject
   * by a throw and catch every call (≈ 25 µs against ≈ 4 µs, on every gateway request).
   */
  private readonly pepper: KeyObject;

  constructor(pepper: string) {
    if (pepper.length < MIN_PEPPER_LENGTH) {
      throw new RangeError(`the API key pepper must have at least ${MIN_PEPPER_LENGTH} characters`);
    }
    this.pepper = createSecretKey(Buffer.from(pepper, 'utf8'));
  }

  hash(secret: string): string {
    const mac = createHmac('sha256', this.pepper).update(secret, 'utf8').digest('hex');
    return `${API_KEY_HASH_ALGORITHM}:${mac}`;
  }
}
