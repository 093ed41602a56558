import { type DataSource } from 'typeorm';
import { type OutboxRecord, type OutboxStore } from './relay-ports.js';
import { assertSchemaName } from './schema-name.js';

interface RawOutboxRow {
  id: string;
  event_id: string;
  topic: string;
  key: string;
  envelope: Buffer;
  attempts: number;
}

/**
 * OutboxStore on `<schema>.outbox`. A transaction-scoped advisory lock per schema makes
 * relay instances take turns, so two replicas never publish interleaved batches (which
 * could reorder an aggregate's events); `FOR UPDATE SKIP LOCKED` keeps a claim from
 * waiting on rows someone else holds.
 */
export class PgOutboxStore implements OutboxStore {
  private readonly schema: string;
  private readonly table: string;

  constructor(
    private readonly dataSource: DataSource,
    schema: string,
  ) {
    this.schema = assertSchemaName(schema);
    this.table = `"${this.schema}".outbox`;
  }

  relayBatch(
    limit: number,
    publish: (records: readonly OutboxRecord[]) => Promise<void>,
  ): Promise<number | null> {
    return this.dataSource.transaction(async (manager) => {
      const [{ locked }] = await manager.query<{ locked: boolean }[]>(
        `SELECT pg_try_advisory_xact_lock(hashtext('maas.outbox'), hashtext($1)) AS locked`,
        [this.schema],
      );
      if (!locked) return null;
      const rows = await manager.query<RawOutboxRow[]>(
        `SELECT id, event_id, topic, key, envelope, attempts FROM ${this.table}
          WHERE sent_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      if (rows.length === 0) return 0;
      await publish(rows.map(toRecord));
      await manager.query(
        `UPDATE ${this.table} SET sent_at = now(), attempts = attempts + 1 WHERE id = ANY($1::bigint[])`,
        [rows.map((r) => r.id)],
      );
      return rows.length;
    });
  }

  async recordFailure(ids: readonly string[], error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE ${this.table} SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1::bigint[]) AND sent_at IS NULL`,
      [ids, error.slice(0, 2_000)],
    );
  }

  async pendingCount(): Promise<number> {
    const [{ count }] = await this.dataSource.query<{ count: string }[]>(
      `SELECT count(*) AS count FROM ${this.table} WHERE sent_at IS NULL`,
    );
    return Number(count);
  }

  /** Deletes records sent before `before` (the outbox is not an archive). Returns how many. */
  async pruneSent(before: Date): Promise<number> {
    // TypeORM answers a DELETE with [rows, affected].
    const [, affected] = await this.dataSource.query<[unknown[], number]>(
      `DELETE FROM ${this.table} WHERE sent_at < $1`,
      [before],
    );
    return affected;
  }
}

function toRecord(row: RawOutboxRow): OutboxRecord {
  return {
    id: row.id,
    eventId: row.event_id,
    topic: row.topic,
    key: row.key,
    envelope: row.envelope,
    attempts: row.attempts,
  };
}
