// Where the journey finds the running platform: the five services' URLs (MAAS_*_URL, default
// the local ports of deploy/local/services.sh), the local stack's settings (Kafka, the
// kubeconfig) and the operator's secrets from .state/stack/secrets.env. It reads no service's
// code or database: only what an operator of the local stack has in hand.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { eventually, loadStackEnv, repoRoot } from '@maas/testing';

export interface JourneyEnv {
  readonly urls: {
    readonly gateway: string;
    readonly iam: string;
    readonly deployments: string;
    readonly keys: string;
    readonly quotas: string;
  };
  readonly operatorToken: string;
  readonly kafkaBrokers: string[];
  readonly topicPrefix: string;
  readonly kubeconfig: string;
  /** The kubectl the stack installed (the operator's tool for assigning nodes). */
  readonly kubectl: string;
  readonly region: string;
}

const SERVICES = ['gateway', 'iam', 'deployments', 'keys', 'quotas'] as const;
const LOCAL_PORTS: Record<(typeof SERVICES)[number], number> = {
  gateway: 3000,
  iam: 3001,
  deployments: 3002,
  keys: 3003,
  quotas: 3004,
};

function stateDir(): string {
  return process.env.MAAS_STACK_STATE ?? join(repoRoot, '.state', 'stack');
}

/** `KEY=value` / `KEY='value'` lines of secrets.env (written by deploy/local/services.sh). */
function readSecrets(): Record<string, string> {
  const file = join(stateDir(), 'secrets.env');
  if (!existsSync(file)) return {};
  const out: Record<string, string> = {};
  for (const m of readFileSync(file, 'utf8').matchAll(/^([A-Z0-9_]+)=(?:'([^']*)'|(\S*))$/gm)) {
    out[m[1]] = m[2] ?? m[3] ?? '';
  }
  return out;
}

/** kubectl: on PATH, or in the directory stack.env puts first on PATH. */
function findKubectl(): string {
  const file = join(stateDir(), 'stack.env');
  const stackPath = existsSync(file)
    ? (/^export PATH=([^:\n]+):/m.exec(readFileSync(file, 'utf8'))?.[1] ?? '')
    : '';
  const dirs = [stackPath, ...(process.env.PATH ?? '').split(delimiter)].filter(Boolean);
  const hit = dirs.map((d) => join(d, 'kubectl')).find((p) => existsSync(p));
  if (!hit) throw new Error('kubectl not found (the local stack installs it: stack.sh up)');
  return hit;
}

export function journeyEnv(): JourneyEnv {
  const stack = loadStackEnv();
  const secrets = readSecrets();
  const operatorToken = process.env.OPERATOR_TOKEN ?? secrets.OPERATOR_TOKEN;
  if (!operatorToken) {
    throw new Error(
      `no OPERATOR_TOKEN: set it or start the services (bash deploy/local/services.sh up writes ${join(stateDir(), 'secrets.env')})`,
    );
  }
  return {
    urls: serviceUrls(),
    operatorToken,
    kafkaBrokers: stack.KAFKA_BROKERS.split(','),
    topicPrefix: process.env.KAFKA_TOPIC_PREFIX ?? '',
    kubeconfig: stack.KUBECONFIG,
    kubectl: findKubectl(),
    region: process.env.REGION ?? 'cn-southwest-2',
  };
}

async function notReady(urls: JourneyEnv['urls']): Promise<string[]> {
  const down: string[] = [];
  for (const name of SERVICES) {
    try {
      const res = await fetch(`${urls[name]}/health/ready`, { signal: AbortSignal.timeout(3000) });
      if (!res.ok) down.push(`${name} (${urls[name]}: ${res.status})`);
    } catch {
      down.push(`${name} (${urls[name]}: no answer)`);
    }
  }
  return down;
}

/**
 * The five services must run as their own processes. When some local one is not ready, start
 * them from their built dist/ with deploy/local/services.sh up (it starts only those not
 * running and waits for /health/ready); services elsewhere (MAAS_*_URL) are only checked.
 */
export async function ensureServices(log: (line: string) => void): Promise<void> {
  const urls = serviceUrls();
  let down = await notReady(urls);
  if (down.length === 0) return;
  const local = SERVICES.every((s) => !process.env[`MAAS_${s.toUpperCase()}_URL`]);
  if (!local) throw new Error(`services not ready: ${down.join(', ')}`);
  log(`services not ready (${down.join(', ')}): bash deploy/local/services.sh up`);
  const run = spawnSync('bash', [join(repoRoot, 'deploy/local/services.sh'), 'up'], {
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 180_000,
  });
  if (run.status !== 0) throw new Error('deploy/local/services.sh up failed (see above)');
  await eventually(async () => (down = await notReady(urls)).length === 0, {
    timeoutMs: 60_000,
    intervalMs: 500,
    description: 'the five services ready',
  }).catch(() => {
    throw new Error(`services not ready: ${down.join(', ')}`);
  });
}

function serviceUrls(): JourneyEnv['urls'] {
  const url = (name: (typeof SERVICES)[number]) =>
    process.env[`MAAS_${name.toUpperCase()}_URL`] ?? `http://127.0.0.1:${LOCAL_PORTS[name]}`;
  return {
    gateway: url('gateway'),
    iam: url('iam'),
    deployments: url('deployments'),
    keys: url('keys'),
    quotas: url('quotas'),
  };
}
