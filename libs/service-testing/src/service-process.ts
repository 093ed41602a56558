// A service as a real child process, run from its TypeScript sources (libs/testing/register),
// so a test can reach it over HTTP as clients do, run replicas side by side, and stop it
// gracefully (SIGTERM) or kill it abruptly (SIGKILL).
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually } from '@maas/testing';

const REGISTER = fileURLToPath(new URL('../../testing/register/ts-register.js', import.meta.url));

/** A TCP port free on 127.0.0.1 right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface ServiceProcessOptions {
  /** Names the process in errors and its log file. */
  name: string;
  /** The service's src/main.ts (a path or file: URL). */
  main: string | URL;
  /** Settings over this process's environment; PORT and HOST are chosen here. */
  env: Record<string, string>;
  /** The path that says the process is up (default /health/live). */
  upPath?: string;
  /** How long it may take to come up (default 60 s). */
  startTimeoutMs?: number;
}

/** One service process on a free port of 127.0.0.1; stdout and stderr go to `logFile`. */
export class ServiceProcess {
  port = 0;
  readonly logFile: string;
  private child?: ChildProcess;
  private exited?: Promise<number | null>;

  constructor(private readonly options: ServiceProcessOptions) {
    this.logFile = join(tmpdir(), `maas-${options.name}-${process.pid}-${Date.now()}.log`);
  }

  get name(): string {
    return this.options.name;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts the process and waits until `upPath` answers 2xx; fails if the process exits. */
  async start(): Promise<void> {
    const { main, env, upPath = '/health/live', startTimeoutMs = 60_000 } = this.options;
    this.port = await freePort();
    const log = createWriteStream(this.logFile, { flags: 'a' });
    const entry = main instanceof URL ? fileURLToPath(main) : main;
    const child = spawn(process.execPath, ['--import', REGISTER, entry], {
      env: { ...process.env, ...env, PORT: String(this.port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    // A process that exits ends the wait at once (no polling until the deadline).
    const outcome = await eventually(
      async () => {
        if (child.exitCode !== null) return 'exited';
        return (await fetch(`${this.url}${upPath}`)).ok && 'up';
      },
      { timeoutMs: startTimeoutMs, intervalMs: 200, description: `${this.name} up` },
    );
    if (outcome === 'exited')
      throw new Error(`${this.name} exited (code ${child.exitCode}); see ${this.logFile}`);
  }

  /** Everything the process wrote so far. */
  logText(): string {
    return readFileSync(this.logFile, 'utf8');
  }

  /** The JSON log lines so far (other lines skipped). */
  logLines(): Record<string, unknown>[] {
    return this.logText()
      .split('\n')
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return [];
        }
      });
  }

  /** The Prometheus text of its /metrics. */
  async metrics(): Promise<string> {
    return (await fetch(`${this.url}/metrics`)).text();
  }

  /** SIGTERM: graceful shutdown; resolves with the exit code. */
  async stop(): Promise<number | null> {
    if (!this.child || this.child.exitCode !== null) return this.child?.exitCode ?? null;
    this.child.kill('SIGTERM');
    return (await this.exited) ?? null;
  }

  /** SIGKILL: no shutdown hook runs. */
  async kill(): Promise<void> {
    if (!this.child || this.child.exitCode !== null) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}
