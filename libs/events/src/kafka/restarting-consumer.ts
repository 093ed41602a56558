import { setTimeout as sleep } from 'node:timers/promises';
import { type Consumer, type ConsumerRunConfig, type ConsumerSubscribeTopics } from 'kafkajs';
import { backoffDelay, type BackoffOptions } from '../backoff.js';
import { stderrLogger, type EventsLogger } from '../logger.js';
import { runConsumer } from './consumer-run.js';

/**
 * One life of a consumer, from connect to disconnect: for Kafka, one kafkajs consumer
 * (`kafkaSession`). A session that dies for good reports it through the `onFatalCrash`
 * it was opened with; it is then replaced by a new one.
 */
export interface ConsumerSession {
  /** Connects, subscribes and starts consuming; rejects when it cannot. */
  start(): Promise<void>;
  /** Stops consuming and disconnects; safe on a session that crashed or never started. */
  stop(): Promise<void>;
}

/** Opens a new session (a fresh kafkajs consumer, its listeners attached) on every call. */
export type OpenSession = (onFatalCrash: (error: unknown) => void) => ConsumerSession;

export interface RestartingConsumerOptions {
  /** Names the consumer in logs (its group id). */
  name: string;
  open: OpenSession;
  /** Delays between restart attempts (default 1 s doubling up to 30 s). */
  backoff?: BackoffOptions;
  logger?: EventsLogger;
}

const DEFAULT_BACKOFF: BackoffOptions = { minMs: 1_000, maxMs: 30_000 };

/** A session and whether it has reported a fatal crash. */
interface Life {
  session: ConsumerSession;
  crashed: boolean;
}

/**
 * Keeps a consumer alive across crashes kafkajs gives up on. kafkajs restarts a crashed
 * consumer only when the crash's root cause is retriable; any other crash leaves it stopped
 * for good (`consumer.crash` with `restart: false`), e.g. "Failed to find group coordinator"
 * when the broker goes away while the group rebalances (seen after a Kafka outage: the
 * quotas usage ledger stopped counting). On such a crash this replaces the session with a
 * new one, after a back-off, retrying until one starts or `stop` is called. Crashes kafkajs
 * restarts itself are left to it.
 *
 * `start` rejects when the first session cannot start (the caller retries, e.g. through
 * BackgroundConsumers); after a successful start, restarts happen in the background.
 */
export class RestartingConsumer {
  private readonly logger: EventsLogger;
  private current?: Life;
  private stopping?: AbortController;
  private restarting?: Promise<void>;
  private restartCount = 0;

  constructor(private readonly options: RestartingConsumerOptions) {
    this.logger = options.logger ?? stderrLogger;
  }

  /** Sessions replaced after a fatal crash so far. */
  get restarts(): number {
    return this.restartCount;
  }

  get started(): boolean {
    return this.current !== undefined;
  }

  async start(): Promise<void> {
    if (this.current) return;
    this.stopping = new AbortController();
    const life = this.openLife();
    try {
      await life.session.start();
    } catch (error) {
      this.current = undefined;
      await life.session.stop().catch(() => undefined);
      throw error;
    }
  }

  /** Ends a restart in progress (or its back-off), then stops the current session. */
  async stop(): Promise<void> {
    this.stopping?.abort();
    await this.restarting;
    const life = this.current;
    this.current = undefined;
    await life?.session.stop();
  }

  private openLife(): Life {
    const life: Life = {
      crashed: false,
      session: this.options.open((error) => this.onFatalCrash(life, error)),
    };
    this.current = life;
    return life;
  }

  private onFatalCrash(life: Life, error: unknown): void {
    life.crashed = true;
    if (life !== this.current || this.stopping?.signal.aborted) return;
    this.logger.error(
      { consumer: this.options.name, err: error },
      'consumer crashed and kafkajs will not restart it; restarting it',
    );
    // A restart in progress sees the crash itself (it checks `crashed` after starting).
    this.restarting ??= this.restart().finally(() => {
      this.restarting = undefined;
      // A crash reported between the restart's last check and now would be lost otherwise.
      const now = this.current;
      if (now?.crashed) this.onFatalCrash(now, 'crashed again right after a restart');
    });
  }

  /** Replaces the crashed session until a new one starts and stays up, or `stop`. */
  private async restart(): Promise<void> {
    const signal = this.stopping?.signal;
    if (!signal) return;
    for (let attempt = 1; !signal.aborted; attempt++) {
      await this.current?.session.stop().catch(() => undefined);
      const delay = backoffDelay(attempt, this.options.backoff ?? DEFAULT_BACKOFF);
      await sleep(delay, undefined, { signal }).catch(() => undefined);
      if (signal.aborted) return;
      const life = this.openLife();
      try {
        await life.session.start();
      } catch (error) {
        this.logger.warn(
          { consumer: this.options.name, attempt, err: error },
          'cannot restart consumer; retrying',
        );
        continue;
      }
      if (life.crashed) continue;
      this.restartCount += 1;
      this.logger.info({ consumer: this.options.name, attempt }, 'consumer restarted');
      return;
    }
  }
}

/**
 * A kafkajs consumer as a session: started with runConsumer (connect, subscribe, run), and
 * reporting crashes kafkajs will not restart (`restart: false`) to `onFatalCrash`.
 */
export function kafkaSession(
  consumer: Consumer,
  subscription: ConsumerSubscribeTopics,
  run: ConsumerRunConfig,
  onFatalCrash: (error: unknown) => void,
): ConsumerSession {
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) onFatalCrash(payload.error);
  });
  return {
    start: () => runConsumer(consumer, subscription, run),
    stop: () => consumer.disconnect(),
  };
}
