import { backoffDelay, Sleeper, type BackoffOptions } from '../backoff.js';
import { errorMessage, stderrLogger, type EventsLogger } from '../logger.js';
import {
  type OutboxPublisher,
  type OutboxRecord,
  type OutboxStore,
  type WakeUpSource,
} from './relay-ports.js';

export interface OutboxRelayOptions {
  /** Records per transaction and Kafka batch (default 100). */
  batchSize?: number;
  /** Poll this often when no notification arrives (default 1 s). */
  pollIntervalMs?: number;
  /** Back-off after a failed batch (default 200 ms doubling to 30 s). */
  backoff?: BackoffOptions;
  logger?: EventsLogger;
}

export interface OutboxRelayDeps {
  store: OutboxStore;
  publisher: OutboxPublisher;
  /** Optional: without one the relay only polls. */
  wakeUp?: WakeUpSource;
}

export interface OutboxRelayStats {
  /** Records waiting in the outbox (queried now). */
  pending: number;
  /** Records published since start. */
  published: number;
  /** Failed batches since start. */
  failedBatches: number;
  /** Consecutive failed batches (0 when the last batch succeeded). */
  consecutiveFailures: number;
  lastError?: string;
  lastPublishedAt?: Date;
}

type Pass = 'more' | 'drained' | 'busy' | 'failed';

/**
 * Moves events from the outbox to Kafka.
 *
 * Each pass takes the oldest unsent records in id order, publishes them as one batch and
 * marks them sent in the same transaction after the broker acknowledged them. A failed
 * batch is not marked; after a back-off the next pass starts again from the oldest unsent
 * record. So a later event of an aggregate is never published before an earlier one, at
 * the price of duplicates after a failure (consumers de-duplicate; see EventConsumer) and
 * of head-of-line blocking while a record cannot be published (watch `consecutiveFailures`).
 * Only one relay instance works on an outbox at a time (the store's lock), so several
 * replicas of a service may all run one.
 */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly backoff: BackoffOptions;
  private readonly logger: EventsLogger;
  private readonly sleeper = new Sleeper();
  private running = false;
  private loop?: Promise<void>;
  private counters = { published: 0, failedBatches: 0, consecutiveFailures: 0 };
  private lastError?: string;
  private lastPublishedAt?: Date;

  constructor(
    private readonly deps: OutboxRelayDeps,
    options: OutboxRelayOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 100;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.backoff = options.backoff ?? {};
    this.logger = options.logger ?? stderrLogger;
  }

  /** Starts listening for wake-ups and relaying; resolves once the listener is up. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.deps.wakeUp?.start(() => this.sleeper.wake());
    } catch (error) {
      // Polling still works; the wake-up source retries on its own.
      this.logger.warn({ err: error }, 'outbox relay: wake-up source failed to start; polling');
    }
    this.loop = this.run();
  }

  /** Stops after the batch in flight (which is published and marked, or not at all). */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.sleeper.interrupt();
    await this.loop;
    await this.deps.wakeUp?.stop();
    await this.deps.publisher.close();
  }

  /** Nudges the relay to look now (e.g. right after a commit); normally not needed. */
  wakeUp(): void {
    this.sleeper.wake();
  }

  async stats(): Promise<OutboxRelayStats> {
    return {
      pending: await this.deps.store.pendingCount(),
      ...this.counters,
      lastError: this.lastError,
      lastPublishedAt: this.lastPublishedAt,
    };
  }

  /** Runs one pass; exported for tests and tools (the loop calls it). */
  async runOnce(): Promise<Pass> {
    this.sleeper.consumeWake();
    let claimed: readonly OutboxRecord[] = [];
    try {
      const count = await this.deps.store.relayBatch(this.batchSize, async (records) => {
        claimed = records;
        await this.deps.publisher.publish(records);
      });
      if (count === null) return 'busy';
      this.onSuccess(count);
      return count >= this.batchSize ? 'more' : 'drained';
    } catch (error) {
      await this.onFailure(claimed, error);
      return 'failed';
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      const pass = await this.runOnce();
      if (!this.running) break;
      switch (pass) {
        case 'more':
          continue;
        case 'drained':
        case 'busy':
          await this.sleeper.sleep(this.pollIntervalMs);
          break;
        case 'failed':
          // Not wakeable: new rows must not make a failing relay hammer the broker.
          await this.sleeper.sleep(backoffDelay(this.counters.consecutiveFailures, this.backoff), {
            wakeable: false,
          });
          break;
      }
    }
  }

  private onSuccess(count: number): void {
    if (count > 0) {
      this.counters.published += count;
      this.lastPublishedAt = new Date();
    }
    if (this.counters.consecutiveFailures > 0) {
      this.logger.info({ failures: this.counters.consecutiveFailures }, 'outbox relay: recovered');
    }
    this.counters.consecutiveFailures = 0;
  }

  private async onFailure(claimed: readonly OutboxRecord[], error: unknown): Promise<void> {
    const message = errorMessage(error);
    this.counters.failedBatches += 1;
    this.counters.consecutiveFailures += 1;
    this.lastError = message;
    this.logger.warn(
      {
        err: error,
        records: claimed.length,
        firstId: claimed[0]?.id,
        failures: this.counters.consecutiveFailures,
      },
      'outbox relay: batch failed; will retry',
    );
    if (claimed.length === 0) return;
    try {
      await this.deps.store.recordFailure(
        claimed.map((r) => r.id),
        message,
      );
    } catch (recordError) {
      this.logger.warn({ err: recordError }, 'outbox relay: could not record the failure');
    }
  }
}
