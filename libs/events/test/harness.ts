import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { loadStackEnv, repoRoot, uniqueName, uniqueTopicPrefix } from '@maas/testing';
import { type Admin, type Kafka, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import {
  ALL_TOPICS,
  createKafka,
  ensureTopics,
  outboxMigration,
  topicName,
  type EventsLogger,
} from '../src/index.js';
import { jsonLogValue } from '../src/logger.js';

const run = promisify(execFile);

/** Collects log lines instead of printing them (kafkajs is loud while a broker is down). */
export class MemoryLogger implements EventsLogger {
  readonly lines: string[] = [];
  debug = () => undefined;
  info = (context: object, message: string) => this.push('info', context, message);
  warn = (context: object, message: string) => this.push('warn', context, message);
  error = (context: object, message: string) => this.push('error', context, message);
  private push(level: string, context: object, message: string) {
    this.lines.push(
      `${new Date().toISOString().slice(11, 23)} ${level} ${message} ${JSON.stringify(context, jsonLogValue)}`,
    );
    if (process.env.EVENTS_TEST_LOGS) process.stderr.write(`${this.lines.at(-1)}\n`);
  }
}

/**
 * One isolated world per test file: a fresh PostgreSQL schema with the outbox/inbox tables
 * and a test table, and every topic under a fresh prefix. `close` drops both.
 */
export class World {
  readonly schema = uniqueName('ev');
  readonly prefix = uniqueTopicPrefix('t');
  readonly logger = new MemoryLogger();
  readonly env = loadStackEnv();
  readonly kafka: Kafka;
  readonly dataSource: DataSource;
  readonly groups: string[] = [];

  constructor() {
    this.kafka = createKafka({
      brokers: this.env.KAFKA_BROKERS,
      clientId: `events-test-${this.schema}`,
      logLevel: logLevel.WARN,
      logger: this.logger,
    });
    this.dataSource = new DataSource({
      type: 'postgres',
      url: this.env.DATABASE_URL,
      poolSize: 10,
    });
  }

  async open(): Promise<void> {
    await this.dataSource.initialize();
    await this.dataSource.query(`CREATE SCHEMA "${this.schema}"`);
    for (const sql of outboxMigration(this.schema).up) await this.dataSource.query(sql);
    // The service's own state, written in the same transaction as its events ...
    await this.dataSource.query(
      `CREATE TABLE "${this.schema}".thing (id text NOT NULL, seq int NOT NULL)`,
    );
    // ... and the consumer's effect: one row per handled event, in handling order.
    await this.dataSource.query(
      `CREATE TABLE "${this.schema}".effect (n bigserial PRIMARY KEY, event_id uuid NOT NULL, aggregate_id text NOT NULL, seq int NOT NULL)`,
    );
    await this.withAdmin((admin) =>
      ensureTopics(admin, ALL_TOPICS, { prefix: this.prefix, partitions: 3 }),
    );
  }

  async close(): Promise<void> {
    await this.withAdmin(async (admin) => {
      if (this.groups.length > 0) await admin.deleteGroups(this.groups).catch(() => undefined);
      await admin.deleteTopics({ topics: ALL_TOPICS.map((t) => topicName(t, this.prefix)) });
    }).catch((error: unknown) =>
      process.stderr.write(`cleanup of topics failed: ${String(error)}\n`),
    );
    if (this.dataSource.isInitialized) {
      await this.dataSource.query(`DROP SCHEMA IF EXISTS "${this.schema}" CASCADE`);
      await this.dataSource.destroy();
    }
  }

  async withAdmin<T>(fn: (admin: Admin) => Promise<T>): Promise<T> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return await fn(admin);
    } finally {
      await admin.disconnect();
    }
  }

  /** Handled events in handling order: [aggregate id, seq, event id]. */
  async effects(): Promise<{ aggregateId: string; seq: number; eventId: string }[]> {
    const rows = await this.dataSource.query<
      { aggregate_id: string; seq: number; event_id: string }[]
    >(`SELECT aggregate_id, seq, event_id FROM "${this.schema}".effect ORDER BY n`);
    return rows.map((r) => ({ aggregateId: r.aggregate_id, seq: r.seq, eventId: r.event_id }));
  }

  async count(table: string, where = 'true'): Promise<number> {
    const [{ n }] = await this.dataSource.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM "${this.schema}".${table} WHERE ${where}`,
    );
    return Number(n);
  }
}

/** Runs deploy/local/stack.sh (e.g. `down kafka`, `up kafka`). */
export async function stack(...args: string[]): Promise<void> {
  await run('bash', [`${repoRoot}/deploy/local/stack.sh`, ...args], {
    cwd: repoRoot,
    timeout: 150_000,
  });
}
