// The gateway as a real child process (from its TypeScript sources), so tests call it over
// HTTP exactly as clients do, run two replicas side by side, and stop or kill them.
import { ServiceProcess } from '@maas/service-testing';

export { freePort } from '@maas/service-testing';

export class ChildGateway extends ServiceProcess {
  constructor(name: string, env: Record<string, string>) {
    super({
      name,
      env,
      main: new URL('../../src/main.ts', import.meta.url),
      // Ready, not just live: its projections (keys, services, limits) have caught up.
      upPath: '/health/ready',
      startTimeoutMs: 90_000,
    });
  }

  /** SIGTERM without waiting first (to observe the drain); resolves with the exit code. */
  terminate(): Promise<number | null> {
    // stop() sends the signal before its first await, so the drain starts now.
    return this.stop();
  }
}
