// The services under test as real processes started from their sources (as the services'
// process tests and the gateway benchmark start them), on 127.0.0.1: IAM (accounts, tokens,
// the snapshots on maas.iam.v1) and the deployments service (API, reconciler, outbox relay).
// The benchmark talks to them only as a user, an operator or Prometheus would: HTTP and
// /metrics.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Child } from '../gateway/processes.js';

const REGISTER = fileURLToPath(
  new URL('../../libs/testing/register/ts-register.js', import.meta.url),
);

export type ServiceName = 'iam' | 'deployments';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts `services/<service>/src/main.ts` with `env`; resolves once /health/ready answers. */
export async function startService(
  name: string,
  service: ServiceName,
  env: Record<string, string>,
): Promise<Child> {
  const port = await freePort();
  const logFile = join(tmpdir(), `maas-bench-${name}-${process.pid}.log`);
  const log = createWriteStream(logFile);
  const main = fileURLToPath(new URL(`../../services/${service}/src/main.ts`, import.meta.url));
  const child = spawn(process.execPath, ['--import', REGISTER, main], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...env,
      HOST: '127.0.0.1',
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const started = new Child(name, child, port, logFile);
  await started.ready('/health/ready');
  return started;
}

/** One Prometheus sample: its labels and value. */
export interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** The samples of `metric` on a process's /metrics (the exposition text, parsed). */
export async function samples(child: Child, metric: string): Promise<Sample[]> {
  const text = await (await fetch(`${child.url}/metrics`)).text();
  const out: Sample[] = [];
  const line = new RegExp(`^${metric}(?:\\{([^}]*)\\})? (\\S+)$`, 'gm');
  for (const [, labelText = '', value] of text.matchAll(line)) {
    const labels = Object.fromEntries(
      [...labelText.matchAll(/(\w+)="([^"]*)"/g)].map(([, k, v]) => [k, v]),
    );
    out.push({ labels, value: Number(value) });
  }
  return out;
}

/** The sum of a metric's samples. */
export async function total(child: Child, metric: string): Promise<number> {
  return (await samples(child, metric)).reduce((sum, s) => sum + s.value, 0);
}
