import { type EachBatchPayload, type Kafka } from 'kafkajs';
import { type EventsLogger } from '../logger.js';
import { kafkaSession, RestartingConsumer } from './restarting-consumer.js';

export interface BatchTopicConsumerOptions {
  kafka: Kafka;
  /** The consumer group, topic prefix included. */
  groupId: string;
  /** The topic's full name, prefix included. */
  topic: string;
  /** How long a fetch waits for messages before answering with fewer. */
  maxWaitTimeInMs: number;
  logger: EventsLogger;
}

/**
 * A consumer group that reads one topic from its beginning a fetched batch at a time, for
 * consumers that write per batch instead of per message (the usage consumers: keys' last
 * use, the quotas ledger). Offsets are resolved by `eachBatch` itself (eachBatchAutoResolve
 * off), so what it did not finish is fetched again; a Kafka consumer that kafkajs gives up on
 * after a crash is replaced (RestartingConsumer). A subclass says what a batch does.
 */
export abstract class BatchTopicConsumer {
  readonly groupId: string;
  private readonly consumer: RestartingConsumer;

  protected constructor(options: BatchTopicConsumerOptions) {
    const { kafka, groupId, topic, maxWaitTimeInMs, logger } = options;
    this.groupId = groupId;
    this.consumer = new RestartingConsumer({
      name: groupId,
      logger,
      open: (onFatalCrash) =>
        kafkaSession(
          kafka.consumer({
            groupId,
            allowAutoTopicCreation: false,
            maxWaitTimeInMs,
            sessionTimeout: 10_000,
            heartbeatInterval: 3_000,
          }),
          { topics: [topic], fromBeginning: true },
          { eachBatchAutoResolve: false, eachBatch: (payload) => this.eachBatch(payload) },
          onFatalCrash,
        ),
    });
  }

  /** Between a `start` that began and a `stop`. */
  protected get started(): boolean {
    return this.consumer.started;
  }

  /** Times the Kafka consumer was replaced after a crash kafkajs gave up on. */
  get restarts(): number {
    return this.consumer.restarts;
  }

  /** Rejects when the consumer cannot start (it can be called again). */
  start(): Promise<void> {
    return this.consumer.start();
  }

  /** Lets the batch in progress finish (or fail), commits what it resolved, leaves. */
  stop(): Promise<void> {
    return this.consumer.stop();
  }

  /** One fetched batch: resolves the offsets it is done with; a throw has the rest redelivered. */
  protected abstract eachBatch(payload: EachBatchPayload): Promise<void>;
}
