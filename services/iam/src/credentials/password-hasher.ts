import { argon2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { Injectable } from '@nestjs/common';

const argon2Async = promisify(argon2);

/** OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane. */
const DEFAULTS = { memory: 19_456, passes: 2, parallelism: 1, tagLength: 32 };
const PHC = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

/**
 * Passwords are stored as argon2id PHC strings (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`),
 * computed with Node's built-in argon2 (no native add-on to compile).
 */
@Injectable()
export class PasswordHasher {
  /** A hash of a password nobody knows, verified when the user does not exist (same timing). */
  private readonly decoy = this.hash(randomBytes(32).toString('base64'));

  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const tag = await this.derive(password, salt, DEFAULTS);
    const { memory: m, passes: t, parallelism: p } = DEFAULTS;
    return `$argon2id$v=19$m=${m},t=${t},p=${p}$${b64(salt)}$${b64(tag)}`;
  }

  /** True when `password` matches `stored`; a missing or malformed hash never matches. */
  async verify(stored: string | null | undefined, password: string): Promise<boolean> {
    const match = PHC.exec(stored ?? (await this.decoy));
    if (!match) return false;
    const [, m, t, p, salt, tag] = match;
    const expected = Buffer.from(tag, 'base64');
    const params = {
      memory: Number(m),
      passes: Number(t),
      parallelism: Number(p),
      tagLength: expected.length,
    };
    const actual = await this.derive(password, Buffer.from(salt, 'base64'), params);
    return stored !== null && stored !== undefined && timingSafeEqual(actual, expected);
  }

  private derive(password: string, salt: Buffer, params: typeof DEFAULTS): Promise<Buffer> {
    return argon2Async('argon2id', { message: password, nonce: salt, ...params });
  }
}

function b64(bytes: Buffer): string {
  return bytes.toString('base64').replace(/=+$/, '');
}
