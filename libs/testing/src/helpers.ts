import { generateKeyPairSync } from 'node:crypto';
import { Client } from 'pg';
import { loadStackEnv } from './stack-env.js';

/** A silent logger (the shape of @maas/events' EventsLogger) for test-side Kafka clients. */
export const quiet = {
  debug: (): void => undefined,
  info: (): void => undefined,
  warn: (): void => undefined,
  error: (): void => undefined,
};

/** A fresh Ed25519 signing key (PKCS#8 PEM), as an operator would configure it. */
export function newSigningKeyPem(): string {
  return generateKeyPairSync('ed25519')
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
}

/** Runs `fn` with a fresh connection to the stack's PostgreSQL. */
export async function withDb<T>(fn: (db: Client) => Promise<T>): Promise<T> {
  const db = new Client({ connectionString: loadStackEnv().DATABASE_URL });
  await db.connect();
  try {
    return await fn(db);
  } finally {
    await db.end();
  }
}
