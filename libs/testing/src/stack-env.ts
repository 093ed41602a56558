import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The connection settings of the local real stack, as written by `deploy/local/stack.sh up`. */
export interface StackEnv {
  DATABASE_URL: string;
  REDIS_URL: string;
  KAFKA_BROKERS: string;
  KUBECONFIG: string;
  SIM_URLS: string;
  MAAS_STACK_STATE: string;
}

const KEYS: (keyof StackEnv)[] = [
  'DATABASE_URL',
  'REDIS_URL',
  'KAFKA_BROKERS',
  'KUBECONFIG',
  'SIM_URLS',
  'MAAS_STACK_STATE',
];

export const STACK_UP_COMMAND = 'bash deploy/local/stack.sh up';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export class StackNotRunningError extends Error {
  constructor(detail: string) {
    super(
      `The local stack is not running (${detail}).\n` +
        `Start it from the repository root with:\n\n    ${STACK_UP_COMMAND}\n`,
    );
    this.name = 'StackNotRunningError';
  }
}

/** Parses `export KEY=value` lines (the format of `stack.sh env`). */
export function parseExports(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^export ([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]] = m[2];
  }
  return out;
}

/**
 * Reads the stack's settings: variables already in the environment win, then
 * `$MAAS_STACK_STATE/stack.env`, then `<repo>/.state/stack/stack.env`.
 */
export function loadStackEnv(env: NodeJS.ProcessEnv = process.env): StackEnv {
  const state = env.MAAS_STACK_STATE ?? join(repoRoot, '.state', 'stack');
  const file = join(state, 'stack.env');
  const fromFile = existsSync(file) ? parseExports(readFileSync(file, 'utf8')) : {};
  const merged: Partial<StackEnv> = {};
  const missing: string[] = [];
  for (const key of KEYS) {
    const value = env[key] ?? fromFile[key];
    if (value) merged[key] = value;
    else missing.push(key);
  }
  if (missing.length > 0) {
    throw new StackNotRunningError(
      `no ${missing.join(', ')}; looked in the environment and ${file}`,
    );
  }
  return merged as StackEnv;
}
