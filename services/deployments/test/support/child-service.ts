// The deployments service as a real child process (from its TypeScript sources), so tests
// can kill it abruptly (SIGKILL) or stop it gracefully (SIGTERM).
import { ServiceProcess } from '@maas/service-testing';

export class ChildService extends ServiceProcess {
  constructor(name: string, env: Record<string, string>) {
    super({ name, env, main: new URL('../../src/main.ts', import.meta.url) });
  }

  /** Whether this replica says it leads (its deployments_reconciler_leader gauge). */
  async leads(): Promise<boolean> {
    return /^deployments_reconciler_leader\{[^}]*\} 1$/m.test(await this.metrics());
  }

  /** The lines of its /metrics that start with `name`. */
  async metric(name: string): Promise<string[]> {
    return (await this.metrics()).split('\n').filter((l) => l.startsWith(name));
  }
}
