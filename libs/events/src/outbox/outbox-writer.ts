import { randomUUID } from 'node:crypto';
import { type DescMessage } from '@bufbuild/protobuf';
import { type EntityManager } from 'typeorm';
import { buildEvent, type BuiltEvent, type EventInput } from '../envelope.js';
import { type Topic, topicName } from '../topics.js';
import { assertSchemaName } from './schema-name.js';

export interface OutboxWriterOptions {
  /** The service's PostgreSQL schema, which holds its outbox table. */
  schema: string;
  /** Prepended to every topic name (test runs, shared clusters). */
  topicPrefix?: string;
}

/**
 * Writes events to the service's outbox in the caller's transaction, so that the state
 * change and its event commit (or roll back) together; OutboxRelay publishes them later.
 *
 * Order: the relay publishes in outbox id order, which is the order of `append` calls, not
 * of commits. Append an aggregate's event after the statement that changed (and so locked)
 * that aggregate's row; then two transactions on one aggregate cannot interleave their ids.
 */
export class OutboxWriter {
  private readonly table: string;
  private readonly prefix: string;

  constructor(options: OutboxWriterOptions) {
    this.table = `"${assertSchemaName(options.schema)}".outbox`;
    this.prefix = options.topicPrefix ?? '';
  }

  /**
   * Builds the envelope (new event id, occurred now, payload packed into Any) and inserts it.
   * `manager` must be the transaction's EntityManager (the one `dataSource.transaction`
   * hands out), or the event is committed on its own.
   */
  async append<Desc extends DescMessage>(
    manager: EntityManager,
    event: EventInput<Desc>,
  ): Promise<BuiltEvent> {
    const [built] = await this.appendAll(manager, [event]);
    return built;
  }

  /** Appends several events in one statement, in the given order. */
  async appendAll(manager: EntityManager, events: readonly EventInput[]): Promise<BuiltEvent[]> {
    if (events.length === 0) return [];
    const built = events.map((e) => buildEvent(e));
    const params: unknown[] = [];
    const rows = built.map((event) => {
      params.push(
        event.envelope.eventId,
        topicName(event.topic, this.prefix),
        event.key,
        Buffer.from(event.bytes),
      );
      const n = params.length;
      return `($${n - 3}, $${n - 2}, $${n - 1}, $${n})`;
    });
    await manager.query(
      `INSERT INTO ${this.table} (event_id, topic, key, envelope) VALUES ${rows.join(', ')}`,
      params,
    );
    return built;
  }

  /**
   * Appends a tombstone: a Kafka message with this key and a null value, which removes the
   * key from a compacted topic (after `delete.retention.ms`). It carries no envelope, so
   * consumers that need to act on a removal also need an ordinary event before it (e.g. a
   * `…Deleted` snapshot); EventConsumer skips tombstones. The row gets its own event id
   * (the outbox's unique key) and an empty envelope, which the relay sends as null.
   */
  async appendTombstone(
    manager: EntityManager,
    target: { topic: Topic; key: string },
  ): Promise<void> {
    if (!target.key) throw new Error('a tombstone needs a key');
    await manager.query(
      `INSERT INTO ${this.table} (event_id, topic, key, envelope) VALUES ($1, $2, $3, $4)`,
      [randomUUID(), topicName(target.topic, this.prefix), target.key, Buffer.alloc(0)],
    );
  }
}
