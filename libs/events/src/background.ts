import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay, type BackoffOptions } from './backoff.js';
import { type EventsLogger } from './logger.js';

export interface RetryInBackgroundOptions {
  /** Stops retrying (and cuts a pending back-off short). */
  signal: AbortSignal;
  /** Hears each failure and the delay before the next attempt (e.g. to log it). */
  onFailure?: (error: unknown, retryInMs: number) => void;
  /** Delays between attempts (default: 500 ms doubling up to 30 s). */
  backoff?: BackoffOptions;
}

/**
 * Runs `task` until it succeeds or `signal` aborts, backing off between failures: for
 * start-up work that must not keep a service from starting while a dependency (Kafka, a
 * topic) is not there yet. Resolves true once done, false when aborted first; never rejects.
 */
export async function retryInBackground(
  task: () => Promise<void>,
  { signal, onFailure, backoff = { minMs: 500, maxMs: 30_000 } }: RetryInBackgroundOptions,
): Promise<boolean> {
  for (let attempt = 1; !signal.aborted; attempt++) {
    try {
      await task();
      return true;
    } catch (error) {
      const retryInMs = backoffDelay(attempt, backoff);
      onFailure?.(error, retryInMs);
      await sleep(retryInMs, undefined, { signal }).catch(() => undefined);
    }
  }
  return false;
}

/** A consumer a service runs: started once, stopped (offsets committed) on shutdown. */
export interface Startable {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The consumers of a service, started in the background, each retried until it starts (the
 * service serves what it can meanwhile), and stopped together: `stop` ends the retries,
 * waits for starts in progress, then stops every consumer, whatever happens to the others.
 */
export class BackgroundConsumers {
  private readonly stopping = new AbortController();
  private readonly consumers: Startable[] = [];
  private starting: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly logger: EventsLogger,
    private readonly backoff?: BackoffOptions,
  ) {}

  /** Starts each named consumer in the background; returns at once. */
  start(named: readonly (readonly [string, Startable])[]): void {
    const { signal } = this.stopping;
    this.consumers.push(...named.map(([, consumer]) => consumer));
    const starts = named.map(async ([name, consumer]) => {
      const started = await retryInBackground(() => consumer.start(), {
        signal,
        backoff: this.backoff,
        onFailure: (error, retryInMs) =>
          this.logger.warn(
            { consumer: name, err: error, retryInMs },
            'cannot start consumer; retrying',
          ),
      });
      if (started) this.logger.info({ consumer: name }, 'consumer started');
    });
    this.starting = Promise.all([this.starting, ...starts]);
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.starting;
    await Promise.allSettled(this.consumers.map((consumer) => consumer.stop()));
  }
}
