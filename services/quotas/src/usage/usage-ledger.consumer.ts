import { setTimeout as sleep } from 'node:timers/promises';
import { type EachBatchPayload, type Kafka } from 'kafkajs';
import {
  backoffDelay,
  BatchTopicConsumer,
  type EventsLogger,
  Topic,
  topicName,
} from '@maas/events';
import { type FreeQuotaTracker } from '../free-quota/free-quota.tracker.js';
import { aggregateUsage, decodeUsage, type UsageEvent } from './usage-aggregation.js';
import { type UsageRepository } from './usage.repository.js';

export interface UsageLedgerStats {
  /** Events counted (first delivery). */
  recorded: number;
  /** Redeliveries and re-publications the inbox turned away. */
  duplicates: number;
  /** Messages that are not a usage event (skipped, logged). */
  malformed: number;
  failedAttempts: number;
  /** Kafka consumers replaced after a crash kafkajs gave up on. */
  restarts: number;
}

/**
 * The usage ledger's consumer of maas.usage.v1, idempotent like EventConsumer (an inbox row
 * per event id, in the same transaction as the effects) but batched: the gateway publishes
 * one event per inference call, so events are counted `batchSize` at a time, with one inbox
 * insert, one upsert per counter table and one per free-quota row per batch, instead of a
 * transaction per event. Offsets are resolved only after the batch's transaction commits;
 * a failing batch is retried with back-off and holds its partition. A Kafka consumer that
 * kafkajs gives up on after a crash (e.g. a broker outage during a rebalance) is replaced
 * (BatchTopicConsumer), so counting resumes once Kafka is back.
 */
export class UsageLedgerConsumer extends BatchTopicConsumer {
  static readonly NAME = 'quotas.usage-ledger';
  private stopping = false;
  private readonly counters: Omit<UsageLedgerStats, 'restarts'> = {
    recorded: 0,
    duplicates: 0,
    malformed: 0,
    failedAttempts: 0,
  };

  constructor(
    private readonly options: {
      kafka: Kafka;
      usage: UsageRepository;
      freeQuota: FreeQuotaTracker;
      batchSize: number;
      topicPrefix?: string;
      logger: EventsLogger;
    },
  ) {
    const { kafka, topicPrefix, logger } = options;
    super({
      kafka,
      groupId: `${topicPrefix ?? ''}${UsageLedgerConsumer.NAME}`,
      topic: topicName(Topic.Usage, topicPrefix),
      maxWaitTimeInMs: 500,
      logger,
    });
  }

  stats(): UsageLedgerStats {
    return { ...this.counters, restarts: this.restarts };
  }

  override async start(): Promise<void> {
    if (this.started) return;
    this.stopping = false;
    await super.start();
  }

  /** Lets the batch in progress commit (or abandons its retry), commits offsets, leaves. */
  override async stop(): Promise<void> {
    if (!this.started) return;
    this.stopping = true;
    await super.stop();
  }

  protected async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    for (let i = 0; i < batch.messages.length; i += this.options.batchSize) {
      if (!payload.isRunning() || payload.isStale()) return;
      const chunk = batch.messages.slice(i, i + this.options.batchSize);
      const events: UsageEvent[] = [];
      for (const message of chunk) {
        const decoded = decodeUsage(message.value);
        if (decoded.ok) events.push(decoded.event);
        else if (decoded.reason === 'malformed')
          this.malformed(batch.partition, message.offset, decoded.detail);
      }
      await this.recordWithRetry(events, payload);
      payload.resolveOffset(chunk[chunk.length - 1].offset);
      await payload.heartbeat();
    }
    await payload.commitOffsetsIfNecessary();
  }

  private async recordWithRetry(events: UsageEvent[], payload: EachBatchPayload): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      if (this.stopping) throw new Error('usage ledger stopping; the batch will be redelivered');
      try {
        const { recorded, duplicates } = await this.record(events);
        this.counters.recorded += recorded;
        this.counters.duplicates += duplicates;
        return;
      } catch (error) {
        this.counters.failedAttempts += 1;
        const retryInMs = backoffDelay(attempt, { minMs: 200, maxMs: 30_000 });
        this.options.logger.warn(
          {
            err: error instanceof Error ? error.message : String(error),
            events: events.length,
            attempt,
            retryInMs,
          },
          'usage batch failed; retrying',
        );
        await sleep(retryInMs);
        await payload.heartbeat();
      }
    }
  }

  private record(events: readonly UsageEvent[]): Promise<{ recorded: number; duplicates: number }> {
    if (events.length === 0) return Promise.resolve({ recorded: 0, duplicates: 0 });
    const { usage, freeQuota } = this.options;
    return usage.transaction(async (manager) => {
      const fresh = await usage.claim(
        manager,
        UsageLedgerConsumer.NAME,
        events.map((e) => e.eventId),
      );
      const counted = events.filter((e) => fresh.delete(e.eventId)); // first copy of each new id
      const { minutes, days, free } = aggregateUsage(counted);
      await usage.add(manager, 'usage_minute', minutes);
      await usage.add(manager, 'usage_day', days);
      await freeQuota.record(manager, free);
      return { recorded: counted.length, duplicates: events.length - counted.length };
    });
  }

  private malformed(partition: number, offset: string, detail?: string): void {
    this.counters.malformed += 1;
    this.options.logger.error(
      { partition, offset, reason: detail },
      'skipping a malformed usage message',
    );
  }
}
