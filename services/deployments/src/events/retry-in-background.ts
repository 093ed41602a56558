import { setTimeout as sleep } from 'node:timers/promises';
import { type Logger } from '@nestjs/common';
import { backoffDelay } from '@maas/events';

/**
 * Runs `task` until it succeeds or `signal` aborts, backing off between failures: for
 * start-up work that must not keep the service from starting while a dependency (Kafka) is
 * down. Resolves when done or aborted; never rejects.
 */
export async function retryInBackground(
  what: string,
  task: () => Promise<void>,
  signal: AbortSignal,
  logger: Logger,
): Promise<void> {
  for (let attempt = 1; !signal.aborted; attempt++) {
    try {
      await task();
      return;
    } catch (error) {
      const retryInMs = backoffDelay(attempt, { minMs: 500, maxMs: 30_000 });
      logger.warn({ msg: `${what} failed; retrying`, err: error, retryInMs });
      await sleep(retryInMs, undefined, { signal }).catch(() => undefined);
    }
  }
}
