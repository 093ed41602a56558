// The benchmark's own servers as child processes on 127.0.0.1: the fixed-response upstream
// and Portkey's open-source gateway (@portkey-ai/gateway from npm, as `npx @portkey-ai/gateway`
// runs it: build/start-server.js, headless, with a preload that keeps it on 127.0.0.1 and
// works around its Node 24 streaming failure, see portkey-preload.ts).
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually } from '@maas/testing';
import { freePort } from '../../services/gateway/test/support/child-gateway.js';

const here = dirname(fileURLToPath(import.meta.url));

export class Child {
  readonly url: string;
  private readonly exited: Promise<unknown>;

  constructor(
    readonly name: string,
    readonly process: ChildProcess,
    readonly port: number,
    readonly logFile: string,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    this.exited = new Promise((resolve) => process.once('exit', resolve));
  }

  get pid(): number {
    return this.process.pid ?? 0;
  }

  /** Polls `path` until it answers 2xx (or the process exits). */
  async ready(path: string): Promise<void> {
    await eventually(
      async () => {
        if (this.process.exitCode !== null)
          throw new Error(`${this.name} exited; see ${this.logFile}`);
        return (await fetch(`${this.url}${path}`)).ok;
      },
      { timeoutMs: 60_000, intervalMs: 200, description: `${this.name} up` },
    );
  }

  async stop(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 5_000);
    await this.exited;
    clearTimeout(timer);
  }
}

async function start(
  name: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<Child> {
  const port = await freePort();
  const logFile = join(tmpdir(), `maas-bench-${name}-${process.pid}.log`);
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, [...args.map((a) => a.replace('{port}', String(port)))], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return new Child(name, child, port, logFile);
}

export async function startFixedUpstream(): Promise<Child> {
  const child = await start('fixed-upstream', [join(here, 'fixed-upstream.ts'), '{port}']);
  await child.ready('/health');
  return child;
}

export async function startPortkey(): Promise<Child> {
  const require = createRequire(import.meta.url);
  const main = join(
    dirname(require.resolve('@portkey-ai/gateway/package.json')),
    'build/start-server.js',
  );
  const child = await start(
    'portkey',
    ['--import', join(here, 'portkey-preload.ts'), main, '--port={port}', '--headless'],
    { NODE_ENV: 'production' },
  );
  await child.ready('/');
  return child;
}
