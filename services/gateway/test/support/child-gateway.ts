// The gateway as a real child process (from its TypeScript sources), so tests call it over
// HTTP exactly as clients do, run two replicas side by side, and stop or kill them.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually } from '@maas/testing';

const REGISTER = fileURLToPath(
  new URL('../../../../libs/testing/register/ts-register.js', import.meta.url),
);
const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export class ChildGateway {
  private child?: ChildProcess;
  private exited?: Promise<number | null>;
  port = 0;
  readonly logFile: string;

  constructor(
    readonly name: string,
    private readonly env: Record<string, string>,
  ) {
    this.logFile = join(tmpdir(), `maas-${name}-${process.pid}-${Date.now()}.log`);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts the process and waits until /health/ready says its projections caught up. */
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
        const res = await fetch(`${this.url}/health/ready`);
        return res.ok;
      },
      { timeoutMs: 90_000, intervalMs: 250, description: `${this.name} ready` },
    );
  }

  /** The log lines so far (JSON objects; other lines are skipped). */
  logLines(): Record<string, unknown>[] {
    return readFileSync(this.logFile, 'utf8')
      .split('\n')
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return [];
        }
      });
  }

  logText(): string {
    return readFileSync(this.logFile, 'utf8');
  }

  async metrics(): Promise<string> {
    return (await fetch(`${this.url}/metrics`)).text();
  }

  /** SIGTERM: graceful shutdown. Resolves with the exit code. */
  async stop(): Promise<number | null> {
    if (!this.child || this.child.exitCode !== null) return this.child?.exitCode ?? null;
    this.child.kill('SIGTERM');
    return this.exited ?? null;
  }

  /** Sends SIGTERM without waiting (to observe the drain). */
  terminate(): Promise<number | null> {
    this.child?.kill('SIGTERM');
    return this.exited ?? Promise.resolve(null);
  }

  async kill(): Promise<void> {
    if (!this.child || this.child.exitCode !== null) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}
