// The usage recorder against the real stack: its own topic prefix and spill directory, the
// real quotas service (a child process from its TypeScript sources, its own schema) counting
// the ledger from that prefix, and a collector of the usage topic.
import { execFile, type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Consumer, type Kafka, logLevel } from 'kafkajs';
import {
  ALL_TOPICS,
  createKafka,
  type DecodedEvent,
  ensureTopics,
  parseEvent,
  Topic,
  topicName,
  type UsageRecorded,
} from '@maas/events';
import {
  eventually,
  loadStackEnv,
  quiet,
  repoRoot,
  uniqueName,
  uniqueTopicPrefix,
  withDb,
} from '@maas/testing';
import {
  KafkaUsageRecorder,
  type KafkaUsageRecorderOptions,
  KafkaUsageTransport,
  type UsageRecord,
} from '../src/usage/index.js';

const run = promisify(execFile);

/** Node hooks that run a service's TypeScript sources in a child process (SWC, as vitest). */
export const TS_REGISTER = fileURLToPath(
  new URL('../../../libs/testing/register/ts-register.js', import.meta.url),
);
const QUOTAS_MAIN = fileURLToPath(new URL('../../quotas/src/main.ts', import.meta.url));

/** Runs deploy/local/stack.sh (e.g. `down kafka`, `up kafka`). */
export async function stack(...args: string[]): Promise<void> {
  await run('bash', [`${repoRoot}/deploy/local/stack.sh`, ...args], {
    cwd: repoRoot,
    timeout: 150_000,
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Tenant {
  accountId: string;
  projectId: string;
}

export const newTenant = (): Tenant => ({ accountId: randomUUID(), projectId: randomUUID() });

/** The i-th test record of a tenant: varied tokens, one in ten a 429 without tokens. */
export function usageRecord(
  tenant: Tenant,
  i: number,
  over: Partial<UsageRecord> = {},
): UsageRecord {
  const failed = i % 10 === 9;
  const prompt = failed ? 0 : 10 + (i % 17);
  const completion = failed ? 0 : 3 * (i % 11);
  return {
    requestId: randomUUID(),
    ...tenant,
    keyId: i % 3 === 0 ? '' : `key-${i % 2}`,
    serviceId: 'svc-1',
    model: 'sim-model',
    promptTokens: prompt,
    completionTokens: completion,
    totalTokens: prompt + completion,
    presetService: false,
    status: failed ? 429 : 200,
    latencyMs: 5 + (i % 50),
    stream: i % 2 === 0,
    finishedAt: new Date(),
    ...over,
  };
}

export interface Sums {
  requests: number;
  failed: number;
  prompt: number;
  completion: number;
  total: number;
}

export function sumsOf(records: readonly UsageRecord[]): Sums {
  return {
    requests: records.length,
    failed: records.filter((r) => r.status >= 400).length,
    prompt: records.reduce((n, r) => n + r.promptTokens, 0),
    completion: records.reduce((n, r) => n + r.completionTokens, 0),
    total: records.reduce((n, r) => n + r.totalTokens, 0),
  };
}

/**
 * The real quotas service as a child process (from its TypeScript sources) with a schema of
 * its own, consuming the usage topic under `prefix`: the ledger the tests read.
 */
export class QuotasProcess {
  readonly schema = uniqueName('quotas');
  private child?: ChildProcess;
  private exited?: Promise<unknown>;
  readonly log = join(tmpdir(), `maas-usage-quotas-${this.schema}.log`);

  constructor(
    private readonly kafka: Kafka,
    private readonly prefix: string,
    private readonly stack = loadStackEnv(),
  ) {}

  async start(): Promise<void> {
    const port = await freePort();
    const out = createWriteStream(this.log, { flags: 'a' });
    const child = spawn(process.execPath, ['--import', TS_REGISTER, QUOTAS_MAIN], {
      env: {
        ...process.env,
        DATABASE_URL: this.stack.DATABASE_URL,
        KAFKA_BROKERS: this.stack.KAFKA_BROKERS,
        DB_SCHEMA: this.schema,
        KAFKA_TOPIC_PREFIX: this.prefix,
        IAM_JWKS_URL: 'http://127.0.0.1:9/unused-in-tests',
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pipe(out);
    child.stderr.pipe(out);
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', resolve));
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`quotas exited; see ${this.log}`);
        return (await fetch(`http://127.0.0.1:${port}/health/ready`)).ok;
      },
      { timeoutMs: 90_000, intervalMs: 250, description: 'the quotas service ready' },
    );
  }

  /** The tenant's totals in the ledger (per-day table). */
  async ledger(tenant: Tenant): Promise<Sums> {
    const [row] = await withDb(async (db) => {
      const result = await db.query<Record<keyof Sums, string | null>>(
        `SELECT coalesce(sum(requests), 0) AS requests,
                coalesce(sum(failed_requests), 0) AS failed, coalesce(sum(prompt_tokens), 0) AS prompt,
                coalesce(sum(completion_tokens), 0) AS completion, coalesce(sum(total_tokens), 0) AS total
           FROM "${this.schema}".usage_day WHERE account_id = $1 AND project_id = $2`,
        [tenant.accountId, tenant.projectId],
      );
      return result.rows;
    }).catch(() => [undefined]); // the table appears once quotas migrated
    const n = (v: string | null | undefined) => Number(v ?? 0);
    return {
      requests: n(row?.requests),
      failed: n(row?.failed),
      prompt: n(row?.prompt),
      completion: n(row?.completion),
      total: n(row?.total),
    };
  }

  /** Messages of the usage topic the ledger has not committed yet. */
  async lag(): Promise<number> {
    const topic = topicName(Topic.Usage, this.prefix);
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({
        groupId: `${this.prefix}quotas.usage-ledger`,
        topics: [topic],
      });
      let lag = 0;
      for (const end of ends) {
        const at = committed.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
        lag += Number(end.offset) - Math.max(0, Number(at));
      }
      return lag;
    } finally {
      await admin.disconnect();
    }
  }

  /** Waits until the ledger consumed the whole topic and counts `requests`; its totals then. */
  async settled(tenant: Tenant, requests: number): Promise<Sums> {
    await eventually(async () => (await this.ledger(tenant)).requests >= requests, {
      timeoutMs: 120_000,
      intervalMs: 250,
      description: `${requests} requests in the ledger`,
    });
    await eventually(async () => (await this.lag()) === 0, {
      timeoutMs: 60_000,
      description: 'the ledger to have consumed the whole topic',
    });
    return this.ledger(tenant);
  }

  /** Stops the service (SIGTERM), deletes its consumer groups and drops its schema. */
  async stop(): Promise<void> {
    if (this.child && this.child.exitCode === null) {
      this.child.kill('SIGTERM');
      await this.exited;
    }
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      const groups = (await admin.listGroups()).groups
        .map((g) => g.groupId)
        .filter((g) => g.startsWith(`${this.prefix}quotas.`));
      if (groups.length > 0) await admin.deleteGroups(groups);
    } catch {
      // Best effort: the prefix is unique, leftovers harm no one.
    } finally {
      await admin.disconnect();
    }
    await withDb((db) => db.query(`DROP SCHEMA IF EXISTS "${this.schema}" CASCADE`));
  }
}

export class UsageWorld {
  readonly stack = loadStackEnv();
  readonly prefix = uniqueTopicPrefix('t');
  readonly spillRoot = mkdtempSync(join(tmpdir(), 'usage-it-'));
  readonly kafka: Kafka;
  /** Every UsageRecorded on the topic (from the beginning), duplicates included. */
  readonly events: DecodedEvent<UsageRecorded>[] = [];
  private readonly recorders: KafkaUsageRecorder[] = [];
  private readonly consumers: Consumer[] = [];
  private quotas?: QuotasProcess;

  constructor() {
    this.kafka = createKafka({
      brokers: this.stack.KAFKA_BROKERS,
      clientId: `usage-test-${this.prefix}`,
      logLevel: logLevel.NOTHING,
      logger: quiet,
    });
  }

  get usageTopic(): string {
    return topicName(Topic.Usage, this.prefix);
  }

  /** Creates the prefix's topics and starts collecting the usage topic. */
  async open(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(admin, ALL_TOPICS, { prefix: this.prefix, partitions: 3 });
    } finally {
      await admin.disconnect();
    }
    const consumer = this.kafka.consumer({
      groupId: `${this.prefix}usage-collector`,
      maxWaitTimeInMs: 100,
    });
    this.consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [this.usageTopic], fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        if (message.value)
          this.events.push(parseEvent(message.value) as DecodedEvent<UsageRecorded>);
        return Promise.resolve();
      },
    });
  }

  /** A recorder on this world's topic prefix and spill directory, with short test timings. */
  recorder(over: Partial<KafkaUsageRecorderOptions> = {}): KafkaUsageRecorder {
    const recorder = new KafkaUsageRecorder({
      transport: new KafkaUsageTransport({
        kafka: this.kafka,
        topicPrefix: this.prefix,
        logger: quiet,
      }),
      spillDir: this.spillRoot,
      spillMaxBytes: 64 * 1024 * 1024,
      batchSize: 100,
      flushIntervalMs: 50,
      bufferMax: 100_000,
      sendStallMs: 500,
      shutdownTimeoutMs: 5_000,
      backoff: { minMs: 200, maxMs: 1_000 },
      logger: quiet,
      ...over,
    });
    this.recorders.push(recorder);
    return recorder;
  }

  /** The events of one tenant on the topic. */
  eventsOf(tenant: Tenant): DecodedEvent<UsageRecorded>[] {
    return this.events.filter((e) => e.accountId === tenant.accountId);
  }

  /** The real quotas service, counting the ledger from this world's usage topic. */
  async startQuotas(): Promise<void> {
    this.quotas = new QuotasProcess(this.kafka, this.prefix);
    await this.quotas.start();
  }

  ledger(tenant: Tenant): Promise<Sums> {
    return this.quotas!.ledger(tenant);
  }

  /** The tenant's ledger totals once the ledger consumed the whole topic (see QuotasProcess). */
  settled(tenant: Tenant, requests: number): Promise<Sums> {
    return this.quotas!.settled(tenant, requests);
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.recorders.map((r) => r.stop()));
    await Promise.allSettled(this.consumers.map((c) => c.disconnect()));
    await this.quotas?.stop();
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const groups = (await admin.listGroups()).groups
        .map((g) => g.groupId)
        .filter((g) => g.startsWith(this.prefix));
      if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
      const topics = (await admin.listTopics()).filter((t) => t.startsWith(this.prefix));
      if (topics.length > 0) await admin.deleteTopics({ topics });
    } finally {
      await admin.disconnect();
    }
    rmSync(this.spillRoot, { recursive: true, force: true });
  }
}
