import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay, type EventsLogger } from '@maas/events';

/**
 * Starts something that needs Kafka (a consumer), retrying with back-off until it starts or
 * `signal` aborts: the service runs, and serves what it can, while Kafka or a topic is not
 * there yet.
 */
export async function startWithRetry(
  what: string,
  start: () => Promise<void>,
  signal: AbortSignal,
  logger: EventsLogger,
): Promise<void> {
  for (let attempt = 1; !signal.aborted; attempt++) {
    try {
      await start();
      logger.info({ consumer: what }, 'consumer started');
      return;
    } catch (error) {
      const retryInMs = backoffDelay(attempt, { minMs: 500, maxMs: 30_000 });
      logger.warn(
        { consumer: what, err: String(error), retryInMs },
        'cannot start consumer; retrying',
      );
      await sleep(retryInMs, undefined, { signal }).catch(() => undefined);
    }
  }
}
