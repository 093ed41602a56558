import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { type Consumer, type Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import {
  loadSigningKey,
  type PolicyDocument,
  SYSTEM_POLICIES,
  TOKEN_VERIFIER,
  TokenSigner,
  TokenVerifier,
} from '@maas/auth';
import { loadConfig } from '@maas/config';
import {
  ALL_TOPICS,
  createKafka,
  ensureTopics,
  EventProducer,
  type EventsLogger,
  ProjectChangedSchema,
  Topic,
  topicName,
  UserPermissionsChangedSchema,
  UserPolicySchema,
} from '@maas/events';
import { createFastifyAdapter } from '@maas/observability';
import { eventually, loadStackEnv, uniqueName, uniqueTopicPrefix } from '@maas/testing';
import { AppModule } from '../src/app.module.js';
import { configureApp } from '../src/app.setup.js';
import { quotasConfigSchema, type QuotasConfig } from '../src/config.js';
import { QUOTAS_TOPIC } from '../src/events/quotas-topic.js';

export const stack = loadStackEnv();
export const REGION = 'cn-southwest-2';
export const OTHER_REGION = 'ap-southeast-1';

export const quiet: EventsLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

type Json = Record<string, unknown>;

export interface Reply {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
  json: <T = Json>() => T;
}

export interface TestAccount {
  id: string;
  name: string;
  /** Project in REGION, and one in OTHER_REGION. */
  projectId: string;
  otherProjectId: string;
  rootToken: string;
}

/** A raw message of a topic, as any consumer sees it (value null = tombstone). */
export interface RawMessage {
  key: string;
  value: Buffer | null;
  partition: number;
  receivedAt: number;
}

/**
 * One isolated quotas service per test file: its own schema and topic prefix; IAM is played
 * by publishing the snapshots IAM would (ProjectChanged, UserPermissionsChanged) and by
 * signing tokens with a key the app trusts. Captures every log line the app writes.
 */
export class QuotasWorld {
  readonly schema = uniqueName('quotas');
  readonly prefix = uniqueTopicPrefix('t');
  readonly logs: string[] = [];
  readonly kafka: Kafka;
  readonly producer: EventProducer;
  readonly config: QuotasConfig;
  app!: NestFastifyApplication;
  private signer!: TokenSigner;
  private readonly consumers: Consumer[] = [];
  private readonly groups: string[] = [];

  constructor(env: Record<string, string> = {}) {
    this.config = loadConfig(quotasConfigSchema, {
      DATABASE_URL: stack.DATABASE_URL,
      KAFKA_BROKERS: stack.KAFKA_BROKERS,
      DB_SCHEMA: this.schema,
      KAFKA_TOPIC_PREFIX: this.prefix,
      LOG_LEVEL: 'debug',
      IAM_JWKS_URL: 'http://127.0.0.1:9/unused-in-tests',
      ...env,
    });
    this.kafka = createKafka({
      brokers: stack.KAFKA_BROKERS,
      clientId: `test-${this.schema}`,
      logLevel: logLevel.ERROR,
      logger: quiet,
    });
    this.producer = new EventProducer({
      kafka: this.kafka,
      topicPrefix: this.prefix,
      logger: quiet,
    });
  }

  topic(topic: Topic): string {
    return topicName(topic, this.prefix);
  }

  async start(): Promise<this> {
    const admin = this.kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [QUOTAS_TOPIC, ...ALL_TOPICS.filter((t) => t !== Topic.Quotas)], {
      prefix: this.prefix,
      partitions: 3,
    });
    await admin.disconnect();
    const pem = generateKeyPairSync('ed25519')
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    this.signer = new TokenSigner(await loadSigningKey(pem, 'test-key'), 3_600);
    const moduleRef = await Test.createTestingModule({
      imports: [
        AppModule.forRoot(this.config, {
          logDestination: { write: (line: string) => void this.logs.push(line) },
        }),
      ],
    })
      .overrideProvider(TOKEN_VERIFIER)
      .useValue(TokenVerifier.local(this.signer.jwks()))
      .compile();
    this.app = moduleRef.createNestApplication<NestFastifyApplication>(createFastifyAdapter(), {
      bufferLogs: true,
    });
    configureApp(this.app);
    await this.app.init();
    await this.app.getHttpAdapter().getInstance().ready();
    return this;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.consumers.map((c) => c.disconnect()));
    await this.app?.close();
    await this.producer.disconnect();
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const groups = (await admin.listGroups()).groups
        .map((g) => g.groupId)
        .filter((g) => g.startsWith(this.prefix));
      if (groups.length > 0)
        await admin.deleteGroups([...groups, ...this.groups]).catch(() => undefined);
      const topics = (await admin.listTopics()).filter((t) => t.startsWith(this.prefix));
      if (topics.length > 0) await admin.deleteTopics({ topics });
    } finally {
      await admin.disconnect();
    }
    await withDb((db) => db.query(`DROP SCHEMA IF EXISTS "${this.schema}" CASCADE`));
  }

  /** An account with a project in REGION and one in OTHER_REGION, known to the service. */
  async account(): Promise<TestAccount> {
    const id = randomUUID();
    const name = uniqueName('acct');
    const projectId = randomUUID();
    const otherProjectId = randomUUID();
    await this.producer.publishAll(
      [
        [projectId, REGION],
        [otherProjectId, OTHER_REGION],
      ].map(([project, region]) => ({
        schema: ProjectChangedSchema,
        payload: create(ProjectChangedSchema, {
          projectId: project,
          accountId: id,
          region,
          name: region,
        }),
        accountId: id,
        aggregateType: 'project',
        aggregateId: project,
      })),
    );
    const rootToken = await this.user({ id, name }, { root: true });
    await eventually(
      async () => (await this.projected(projectId)) && this.projected(otherProjectId),
      {
        description: 'the projects',
      },
    );
    return { id, name, projectId, otherProjectId, rootToken };
  }

  /** A user of the account with these policies (or root), known to the service; its token. */
  async user(
    account: { id: string; name: string },
    options: { root?: boolean; policies?: PolicyDocument[] } = {},
  ): Promise<string> {
    const userId = randomUUID();
    const userName = uniqueName('user');
    await this.producer.publish({
      schema: UserPermissionsChangedSchema,
      payload: create(UserPermissionsChangedSchema, {
        accountId: account.id,
        accountName: account.name,
        userId,
        userName,
        root: options.root ?? false,
        policies: (options.policies ?? []).map((document, i) =>
          create(UserPolicySchema, {
            policyId: `p${i}`,
            name: `p${i}`,
            documentJson: JSON.stringify(document),
            scopeGlobal: true,
          }),
        ),
      }),
      accountId: account.id,
      aggregateType: 'user',
      aggregateId: userId,
    });
    await eventually(
      async () =>
        (
          await this.rows(
            `SELECT 1 FROM "${this.schema}".iam_user_permissions WHERE user_id = $1`,
            [userId],
          )
        ).length === 1,
      { description: 'the user' },
    );
    const { token } = await this.signer.issue({
      accountId: account.id,
      accountName: account.name,
      userId,
      userName,
      root: options.root ?? false,
    });
    return token;
  }

  fullAccess(): PolicyDocument {
    return SYSTEM_POLICIES['ModelArts FullAccess'];
  }

  async request(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    token?: string,
    body?: unknown,
  ): Promise<Reply> {
    const res = await this.app.inject({
      method,
      url,
      headers: token ? { 'x-auth-token': token } : {},
      ...(body === undefined ? {} : { payload: body as Json }),
    });
    return res;
  }

  rows<T = Json>(sql: string, params: unknown[] = []): Promise<T[]> {
    return withDb(async (db) => (await db.query(sql, params)).rows as T[]);
  }

  /** Every message of a topic from the beginning, tombstones included; fills as they come. */
  async collect(topic: Topic): Promise<RawMessage[]> {
    const groupId = `${this.prefix}collector-${this.groups.length}`;
    this.groups.push(groupId);
    const consumer = this.kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
    this.consumers.push(consumer);
    const out: RawMessage[] = [];
    await consumer.connect();
    await consumer.subscribe({ topics: [this.topic(topic)], fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message, partition }) => {
        out.push({
          key: message.key?.toString() ?? '',
          value: message.value,
          partition,
          receivedAt: Date.now(),
        });
        return Promise.resolve();
      },
    });
    return out;
  }

  private async projected(projectId: string): Promise<boolean> {
    return (
      (
        await this.rows(`SELECT 1 FROM "${this.schema}".iam_projects WHERE project_id = $1`, [
          projectId,
        ])
      ).length === 1
    );
  }
}

export async function withDb<T>(fn: (db: Client) => Promise<T>): Promise<T> {
  const db = new Client({ connectionString: stack.DATABASE_URL });
  await db.connect();
  try {
    return await fn(db);
  } finally {
    await db.end();
  }
}
