// A vLLM simulator of the test's own (the stack's xpyd-sim binary on a free port), for tests
// that kill a model instance: the stack's two simulators are shared by everyone.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@maas/testing';
import { freePort } from './child-gateway.js';

function simulatorBinary(): string {
  const cache = process.env.MAAS_STACK_CACHE ?? join(homedir(), '.cache', 'maas-stack');
  const dir = readdirSync(cache).find(
    (d) => d.startsWith('sim-') && existsSync(join(cache, d, 'venv/bin/xpyd-sim')),
  );
  if (!dir) throw new Error(`no xpyd-sim under ${cache}: run bash deploy/up.sh`);
  return join(cache, dir, 'venv/bin/xpyd-sim');
}

export class Simulator {
  private child?: ChildProcess;
  private exited?: Promise<unknown>;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.port = await freePort();
    const child = spawn(
      simulatorBinary(),
      [
        'serve',
        '--host',
        '127.0.0.1',
        '--port',
        String(this.port),
        '--model',
        'sim-model',
        '--prefill-delay-ms',
        '5',
        '--decode-delay-per-token-ms',
        '1',
        '--kv-transfer-delay-ms',
        '0',
        '--max-model-len',
        '32768',
      ],
      { stdio: 'ignore' },
    );
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', resolve));
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error('simulator exited');
        return (await fetch(`${this.url}/health`)).ok;
      },
      { timeoutMs: 60_000, intervalMs: 200, description: 'simulator up' },
    );
  }

  /** SIGKILL: the instance dies mid-request. */
  async kill(): Promise<void> {
    if (!this.child || this.child.exitCode !== null) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}
