import { EntitySchema } from 'typeorm';
import { assertSchemaName, outboxChannel } from './schema-name.js';

/** A row of `<schema>.outbox`: one event waiting for (or done with) the relay. */
export interface OutboxRow {
  /** bigserial; the relay publishes in this order. PostgreSQL bigints arrive as strings. */
  id: string;
  eventId: string;
  /** The physical topic name, prefix included. */
  topic: string;
  /** The Kafka key: the aggregate id. */
  key: string;
  /** The encoded maas.events.v1.Envelope. */
  envelope: Buffer;
  createdAt: Date;
  sentAt: Date | null;
  attempts: number;
  lastError: string | null;
}

/** A row of `<schema>.inbox`: one event a consumer has processed. */
export interface InboxRow {
  consumer: string;
  eventId: string;
  processedAt: Date;
}

/**
 * TypeORM mapping of `<schema>.outbox`, for services that want to query it (e.g. in an admin
 * view). The lib itself uses plain SQL, so registering it is optional. Tables are created by
 * outboxMigration, never by `synchronize`.
 */
export function outboxEntity(schema: string): EntitySchema<OutboxRow> {
  return new EntitySchema<OutboxRow>({
    name: 'OutboxRow',
    schema: assertSchemaName(schema),
    tableName: 'outbox',
    synchronize: false,
    columns: {
      id: { type: 'bigint', primary: true, generated: 'increment' },
      eventId: { name: 'event_id', type: 'uuid', unique: true },
      topic: { type: 'text' },
      key: { type: 'text' },
      envelope: { type: 'bytea' },
      createdAt: { name: 'created_at', type: 'timestamptz', createDate: true },
      sentAt: { name: 'sent_at', type: 'timestamptz', nullable: true },
      attempts: { type: 'integer', default: 0 },
      lastError: { name: 'last_error', type: 'text', nullable: true },
    },
  });
}

/** TypeORM mapping of `<schema>.inbox` (see outboxEntity). */
export function inboxEntity(schema: string): EntitySchema<InboxRow> {
  return new EntitySchema<InboxRow>({
    name: 'InboxRow',
    schema: assertSchemaName(schema),
    tableName: 'inbox',
    synchronize: false,
    columns: {
      consumer: { type: 'text', primary: true },
      eventId: { name: 'event_id', type: 'uuid', primary: true },
      processedAt: { name: 'processed_at', type: 'timestamptz', createDate: true },
    },
  });
}

/** SQL statements that create (up) and drop (down) the outbox and inbox of a schema. */
export interface OutboxMigrationSql {
  up: string[];
  down: string[];
}

/**
 * The DDL of `<schema>.outbox` and `<schema>.inbox`, for a service's own migration:
 *
 *   async up(q: QueryRunner) { for (const sql of outboxMigration('iam').up) await q.query(sql); }
 *
 * The schema must exist. An AFTER INSERT trigger notifies the relay (LISTEN/NOTIFY) when
 * the inserting transaction commits; the relay also polls, so a lost notification only
 * delays. Statements are idempotent (IF NOT EXISTS / OR REPLACE).
 */
export function outboxMigration(schema: string): OutboxMigrationSql {
  const s = `"${assertSchemaName(schema)}"`;
  const channel = outboxChannel(schema);
  return {
    up: [
      `CREATE TABLE IF NOT EXISTS ${s}.outbox (
  id bigserial PRIMARY KEY,
  event_id uuid NOT NULL UNIQUE,
  topic text NOT NULL,
  key text NOT NULL,
  envelope bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz NULL,
  attempts integer NOT NULL DEFAULT 0,
  last_error text NULL
)`,
      `CREATE INDEX IF NOT EXISTS outbox_unsent_idx ON ${s}.outbox (id) WHERE sent_at IS NULL`,
      `CREATE INDEX IF NOT EXISTS outbox_sent_at_idx ON ${s}.outbox (sent_at) WHERE sent_at IS NOT NULL`,
      `CREATE OR REPLACE FUNCTION ${s}.outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('${channel}', '');
  RETURN NULL;
END
$$`,
      `CREATE OR REPLACE TRIGGER outbox_notify AFTER INSERT ON ${s}.outbox
  FOR EACH STATEMENT EXECUTE FUNCTION ${s}.outbox_notify()`,
      `CREATE TABLE IF NOT EXISTS ${s}.inbox (
  consumer text NOT NULL,
  event_id uuid NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
)`,
      `CREATE INDEX IF NOT EXISTS inbox_processed_at_idx ON ${s}.inbox (processed_at)`,
    ],
    down: [
      `DROP TABLE IF EXISTS ${s}.inbox`,
      `DROP TABLE IF EXISTS ${s}.outbox`,
      `DROP FUNCTION IF EXISTS ${s}.outbox_notify()`,
    ],
  };
}
