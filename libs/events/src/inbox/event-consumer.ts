import { type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import { type EachMessagePayload, type Kafka } from 'kafkajs';
import { type DataSource, type EntityManager } from 'typeorm';
import { backoffDelay, Sleeper, type BackoffOptions } from '../backoff.js';
import {
  decodeEnvelope,
  isUuid,
  toDecodedEvent,
  unpackPayload,
  type DecodedEvent,
} from '../envelope.js';
import { type Envelope } from '../gen/maas/events/v1/envelope_pb.js';
import { kafkaSession, RestartingConsumer } from '../kafka/restarting-consumer.js';
import { errorMessage, stderrLogger, type EventsLogger } from '../logger.js';
import { assertSchemaName } from '../outbox/schema-name.js';
import { topicName, topicOf } from '../topics.js';

/** An event as a handler receives it: envelope fields, typed payload, where it came from. */
export interface ConsumedEvent<T extends DescMessage = DescMessage> extends DecodedEvent<
  MessageShape<T>
> {
  topic: string;
  partition: number;
  offset: string;
}

/** Runs inside the inbox transaction: write state through `manager` only. */
export type EventHandler<T extends DescMessage = DescMessage> = (
  event: ConsumedEvent<T>,
  manager: EntityManager,
) => Promise<void>;

export interface EventConsumerOptions {
  kafka: Kafka;
  dataSource: DataSource;
  /** The consuming service's PostgreSQL schema (holds its inbox table). */
  schema: string;
  /**
   * Names this consumer: the inbox's `consumer` column and (with the topic prefix) the Kafka
   * group id, e.g. "gateway.keys-projection". Keep it stable: a new name re-reads history.
   */
  name: string;
  /** Prepended to topic names and the group id (test runs, shared clusters). */
  topicPrefix?: string;
  /** A new group starts at the oldest retained message (default true). */
  fromBeginning?: boolean;
  /** Kafka group session timeout (default 10 s; see start). */
  sessionTimeoutMs?: number;
  /** Back-off between attempts of a failing handler (default 200 ms doubling to 30 s). */
  backoff?: BackoffOptions;
  logger?: EventsLogger;
}

export interface EventConsumerStats {
  /** Events whose handler ran and committed. */
  handled: number;
  /** Deliveries skipped because the inbox already had the event. */
  duplicates: number;
  /** Events of a type with no handler here, and tombstones (acknowledged and skipped). */
  ignored: number;
  /** Messages that cannot be decoded (logged, acknowledged and skipped). */
  malformed: number;
  /** Failed handler attempts (each retried). */
  failedAttempts: number;
}

interface Route {
  schema: DescMessage;
  handler: EventHandler;
}

class StoppingError extends Error {
  constructor() {
    super('consumer stopping; the message will be redelivered');
    this.name = 'StoppingError';
  }
}

/**
 * Consumes events idempotently. For each message, in order per partition: decode the
 * envelope, find the handler of its type, then in one database transaction insert
 * (consumer, event_id) into the inbox and, only if that row is new, run the handler.
 * kafkajs resolves a message's offset only after `eachMessage` returns, which is after the
 * transaction committed, and commits resolved offsets only; so a crash at any point means
 * redelivery, which the inbox turns into a no-op. A failing handler is retried (back-off)
 * and blocks its partition until it succeeds; order is never given up.
 */
export class EventConsumer {
  private readonly routes = new Map<string, Route>();
  private readonly inbox: string;
  private readonly prefix: string;
  private readonly logger: EventsLogger;
  /** Back-off sleeps in progress, ended by stop. */
  private readonly sleepers = new Set<Sleeper>();
  /** Restarted by us when kafkajs gives up after a crash; started and stopped with this. */
  private readonly consumer: RestartingConsumer;
  private stopping = false;
  private readonly counters: EventConsumerStats = {
    handled: 0,
    duplicates: 0,
    ignored: 0,
    malformed: 0,
    failedAttempts: 0,
  };

  constructor(private readonly options: EventConsumerOptions) {
    this.inbox = `"${assertSchemaName(options.schema)}".inbox`;
    this.prefix = options.topicPrefix ?? '';
    this.logger = options.logger ?? stderrLogger;
    this.consumer = new RestartingConsumer({
      name: this.groupId,
      logger: this.logger,
      open: (onFatalCrash) =>
        kafkaSession(
          this.options.kafka.consumer({
            groupId: this.groupId,
            allowAutoTopicCreation: false,
            // A stop waits for the fetch in flight; the 5 s default long poll made stops slow.
            maxWaitTimeInMs: 1_000,
            // After a broker restart kafkajs rejoins as a new member, and the group waits for the
            // old one's session to expire before it rebalances: the session timeout is the
            // recovery time (kafkajs default 30 s). Heartbeats go out between messages.
            sessionTimeout: this.options.sessionTimeoutMs ?? 10_000,
            heartbeatInterval: 3_000,
          }),
          { topics: this.topics, fromBeginning: this.options.fromBeginning ?? true },
          { autoCommit: true, eachMessage: (payload) => this.onMessage(payload) },
          onFatalCrash,
        ),
    });
  }

  /** Handles events of `schema`'s type; its topic is subscribed on start. Call before start. */
  on<Desc extends DescMessage>(schema: Desc, handler: EventHandler<Desc>): this {
    if (this.consumer.started) throw new Error('EventConsumer.on must be called before start');
    topicOf(schema); // throws if not an event message
    this.routes.set(schema.typeName, { schema, handler });
    return this;
  }

  get groupId(): string {
    return `${this.prefix}${this.options.name}`;
  }

  /** The physical topics this consumer subscribes to. */
  get topics(): string[] {
    return [
      ...new Set([...this.routes.values()].map((r) => topicName(topicOf(r.schema), this.prefix))),
    ];
  }

  async start(): Promise<void> {
    if (this.consumer.started) return;
    if (this.routes.size === 0) throw new Error('EventConsumer has no handlers');
    this.stopping = false;
    await this.consumer.start();
  }

  /** Lets the current message finish (or abandons its retry), commits, leaves the group. */
  async stop(): Promise<void> {
    if (!this.consumer.started) return;
    this.stopping = true;
    for (const sleeper of this.sleepers) sleeper.interrupt();
    await this.consumer.stop();
  }

  stats(): EventConsumerStats {
    return { ...this.counters };
  }

  /** Times the Kafka consumer was replaced after a crash kafkajs gave up on. */
  get restarts(): number {
    return this.consumer.restarts;
  }

  private async onMessage(payload: EachMessagePayload): Promise<void> {
    const { topic, partition, message } = payload;
    const where = { topic, partition, offset: message.offset };
    const envelope = this.decode(message.value, where);
    if (!envelope) return;
    const route = this.routes.get(envelope.type);
    if (!route) {
      this.counters.ignored += 1;
      return;
    }
    const body = unpackPayload(envelope, route.schema);
    if (!body) {
      this.malformed(
        where,
        `payload is not a ${envelope.type} (type URL ${envelope.payload?.typeUrl ?? 'none'})`,
      );
      return;
    }
    const event: ConsumedEvent = { ...toDecodedEvent(envelope, body), ...where };
    for (let attempt = 1; ; attempt++) {
      if (this.stopping) throw new StoppingError();
      try {
        await this.handleOnce(route, event);
        return;
      } catch (error) {
        this.counters.failedAttempts += 1;
        const delay = backoffDelay(attempt, this.options.backoff);
        this.logger.warn(
          {
            ...where,
            eventId: event.eventId,
            type: event.type,
            attempt,
            retryInMs: delay,
            err: error,
          },
          'event handler failed; retrying',
        );
        await this.pause(delay);
        await payload.heartbeat();
      }
    }
  }

  private async pause(ms: number): Promise<void> {
    const sleeper = new Sleeper();
    this.sleepers.add(sleeper);
    try {
      await sleeper.sleep(ms, { wakeable: false });
    } finally {
      this.sleepers.delete(sleeper);
    }
  }

  private async handleOnce(route: Route, event: ConsumedEvent): Promise<void> {
    const handled = await this.options.dataSource.transaction(async (manager) => {
      const inserted = await manager.query<unknown[]>(
        `INSERT INTO ${this.inbox} (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id`,
        [this.options.name, event.eventId],
      );
      if (inserted.length === 0) return false;
      await route.handler(event, manager);
      return true;
    });
    if (handled) this.counters.handled += 1;
    else this.counters.duplicates += 1;
  }

  private decode(value: Buffer | null, where: object): Envelope | undefined {
    if (!value) {
      // A tombstone (null value) of a compacted topic: the removal's event came before it.
      this.counters.ignored += 1;
      return undefined;
    }
    let envelope: Envelope;
    try {
      envelope = decodeEnvelope(value);
    } catch (error) {
      this.malformed(where, `not an envelope: ${errorMessage(error)}`);
      return undefined;
    }
    if (!isUuid(envelope.eventId)) {
      this.malformed(where, `event_id "${envelope.eventId}" is not a UUID`);
      return undefined;
    }
    return envelope;
  }

  private malformed(where: object, reason: string): void {
    this.counters.malformed += 1;
    this.logger.error(
      { ...where, consumer: this.options.name, reason },
      'skipping a malformed event',
    );
  }
}
