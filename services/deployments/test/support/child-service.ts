// The deployments service as a real child process (from its TypeScript sources), so tests
// can kill it abruptly (SIGKILL) or stop it gracefully (SIGTERM).
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually } from '@maas/testing';

const REGISTER = fileURLToPath(
  new URL('../../../../libs/testing/register/ts-register.js', import.meta.url),
);
const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

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

export class ChildService {
  private child?: ChildProcess;
  private exited?: Promise<number | null>;
  port = 0;
  readonly logFile: string;

  constructor(
    readonly name: string,
    private readonly env: Record<string, string>,
  ) {
    this.logFile = join(tmpdir(), `maas-${name}-${process.pid}.log`);
  }

  async start(): Promise<void> {
    this.port = await freePort();
    const log = createWriteStream(this.logFile, { flags: 'a' });
    const child = spawn(process.execPath, ['--import', REGISTER, MAIN], {
      env: { ...process.env, ...this.env, PORT: String(this.port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`${this.name} exited; see ${this.logFile}`);
        const res = await fetch(`http://127.0.0.1:${this.port}/health/live`);
        return res.ok;
      },
      { timeoutMs: 60_000, intervalMs: 200, description: `${this.name} up` },
    );
  }

  /** Whether this replica says it leads (its deployments_reconciler_leader gauge). */
  async leads(): Promise<boolean> {
    const text = await (await fetch(`http://127.0.0.1:${this.port}/metrics`)).text();
    return /^deployments_reconciler_leader\{[^}]*\} 1$/m.test(text);
  }

  async metric(name: string): Promise<string[]> {
    const text = await (await fetch(`http://127.0.0.1:${this.port}/metrics`)).text();
    return text.split('\n').filter((l) => l.startsWith(name));
  }

  /** SIGKILL: no shutdown hook runs, the Lease is not released. */
  async kill(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM: graceful shutdown (the leader releases the Lease). */
  async stop(): Promise<void> {
    if (!this.child || this.child.exitCode !== null) return;
    this.child.kill('SIGTERM');
    await this.exited;
  }
}
