import { generateKeyPairSync } from 'node:crypto';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { type Consumer, type Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { loadConfig } from '@maas/config';
import { createKafka, type DecodedEvent, parseEvent, Topic, topicName } from '@maas/events';
import { createFastifyAdapter } from '@maas/observability';
import { loadStackEnv, uniqueName, uniqueTopicPrefix } from '@maas/testing';
import { AGENCY_NAME_SUFFIX, type AgencyNameSuffix } from '../src/agencies/agency-naming.js';
import { AppModule } from '../src/app.module.js';
import { configureApp } from '../src/app.setup.js';
import { iamConfigSchema, type IamConfig } from '../src/config.js';

export const stack = loadStackEnv();

export const OPERATOR_TOKEN = 'operator-secret-for-tests-0123456789';

/** A fresh Ed25519 signing key (PKCS#8 PEM), as an operator would configure it. */
export function newSigningKeyPem(): string {
  return generateKeyPairSync('ed25519')
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
}

export interface WorldOptions {
  /** Extra environment for the service's configuration. */
  env?: Record<string, string>;
  /** The source of agency name suffixes (default: random). */
  agencySuffix?: AgencyNameSuffix;
}

export interface TestAccount {
  id: string;
  name: string;
  rootId: string;
  projectIds: string[];
  /** The root user's token. */
  token: string;
  password: string;
}

type Json = Record<string, unknown>;
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A response with its JSON body typed loosely (tests read what they assert). */
export interface Reply {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
  json: <T = Json>() => T;
}

/**
 * One isolated IAM per test file: its own PostgreSQL schema and Kafka topic prefix, one app
 * (relaying its outbox to the prefixed maas.iam.v1), the log lines it wrote, and helpers to
 * drive it. `close` drops the schema, the topics and the consumer groups.
 */
export class IamWorld {
  readonly schema = uniqueName('iam');
  readonly prefix = uniqueTopicPrefix('t');
  readonly signingKey = newSigningKeyPem();
  readonly logs: string[] = [];
  readonly config: IamConfig;
  readonly kafka: Kafka;
  readonly groups: string[] = [];
  app!: NestFastifyApplication;
  private readonly consumers: Consumer[] = [];

  constructor(private readonly options: WorldOptions = {}) {
    this.config = loadConfig(iamConfigSchema, {
      DATABASE_URL: stack.DATABASE_URL,
      KAFKA_BROKERS: stack.KAFKA_BROKERS,
      DB_SCHEMA: this.schema,
      KAFKA_TOPIC_PREFIX: this.prefix,
      KAFKA_TOPIC_PARTITIONS: '3',
      LOG_LEVEL: 'debug',
      TOKEN_SIGNING_KEY: this.signingKey,
      OPERATOR_TOKEN,
      ...options.env,
    });
    this.kafka = createKafka({
      brokers: stack.KAFKA_BROKERS,
      clientId: `iam-test-${this.schema}`,
      logLevel: logLevel.ERROR,
      logger: {
        debug: () => undefined,
        info: () => undefined,
        warn: () => undefined,
        error: () => undefined,
      },
    });
  }

  get topic(): string {
    return topicName(Topic.Iam, this.prefix);
  }

  async start(): Promise<this> {
    let builder = Test.createTestingModule({
      imports: [
        AppModule.forRoot(this.config, {
          logDestination: { write: (line: string) => void this.logs.push(line) },
        }),
      ],
    });
    if (this.options.agencySuffix) {
      builder = builder.overrideProvider(AGENCY_NAME_SUFFIX).useValue(this.options.agencySuffix);
    }
    const moduleRef = await builder.compile();
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
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      if (this.groups.length > 0) await admin.deleteGroups(this.groups).catch(() => undefined);
      const topics = (await admin.listTopics()).filter((t) => t.startsWith(this.prefix));
      if (topics.length > 0) await admin.deleteTopics({ topics });
    } finally {
      await admin.disconnect();
    }
    await withDb((db) => db.query(`DROP SCHEMA IF EXISTS "${this.schema}" CASCADE`));
  }

  async request(
    method: Method,
    url: string,
    {
      token,
      body,
      headers = {},
    }: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Reply> {
    const res = await this.app.inject({
      method,
      url,
      headers: { ...(token ? { 'x-auth-token': token } : {}), ...headers },
      ...(body === undefined ? {} : { payload: body as Json }),
    });
    return res;
  }

  /** Creates an account through the operator API and signs its root user in. */
  async account(name = uniqueName('acct'), password = 'Root-Pass-2026'): Promise<TestAccount> {
    const res = await this.request('POST', '/v3/accounts', {
      headers: { 'x-operator-token': OPERATOR_TOKEN },
      body: { name, root_password: password },
    });
    if (res.statusCode !== 201) throw new Error(`account ${name}: ${res.statusCode} ${res.body}`);
    const a = res.json<{ id: string; root_user: { id: string }; projects: { id: string }[] }>();
    return {
      id: a.id,
      name,
      rootId: a.root_user.id,
      projectIds: a.projects.map((p) => p.id),
      token: await this.signIn(name, name, password),
      password,
    };
  }

  /** A password token (optionally scoped to a project). */
  async signIn(
    account: string,
    user: string,
    password: string,
    projectId?: string,
  ): Promise<string> {
    const res = await this.request('POST', '/v3/auth/tokens', {
      body: tokenBody(account, user, password, projectId),
    });
    if (res.statusCode !== 201)
      throw new Error(`sign-in ${user}@${account}: ${res.statusCode} ${res.body}`);
    return String(res.headers['x-subject-token']);
  }

  /** Creates a user and returns its id. */
  async user(token: string, name: string, password = 'Passw0rd!x'): Promise<string> {
    return (await this.created('POST', '/v3/users', token, { name, password })).id as string;
  }

  /** Creates a group and returns its id. */
  async group(token: string, name: string): Promise<string> {
    return (await this.created('POST', '/v3/groups', token, { name })).id as string;
  }

  async addToGroup(token: string, groupId: string, userId: string): Promise<void> {
    await this.expect(204, 'PUT', `/v3/groups/${groupId}/users/${userId}`, token);
  }

  async attach(
    token: string,
    groupId: string,
    policyId: string,
    scope: Json = { scope: 'global' },
  ): Promise<void> {
    await this.expect(200, 'PUT', `/v3/groups/${groupId}/policies/${policyId}`, token, scope);
  }

  /** Creates a custom policy and returns its id. */
  async policy(token: string, name: string, statements: Json[]): Promise<string> {
    const body = { name, policy: { Version: '1.1', Statement: statements } };
    return (await this.created('POST', '/v3/policies', token, body)).id as string;
  }

  async created(method: Method, url: string, token: string, body?: unknown): Promise<Json> {
    return (await this.expect(201, method, url, token, body)).json();
  }

  async expect(
    status: number,
    method: Method,
    url: string,
    token?: string,
    body?: unknown,
  ): Promise<Reply> {
    const res = await this.request(method, url, { token, body });
    if (res.statusCode !== status) {
      throw new Error(`${method} ${url}: expected ${status}, got ${res.statusCode} ${res.body}`);
    }
    return res;
  }

  /**
   * Collects every event of this world's maas.iam.v1 from the beginning (a fresh consumer
   * group); the array fills as events arrive.
   */
  async collect(): Promise<{ events: (DecodedEvent & { receivedAt: number; raw: Buffer })[] }> {
    const groupId = `${this.prefix}collector-${this.consumers.length}`;
    this.groups.push(groupId);
    const consumer = this.kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
    this.consumers.push(consumer);
    const out = { events: [] as (DecodedEvent & { receivedAt: number; raw: Buffer })[] };
    await consumer.connect();
    await consumer.subscribe({ topics: [this.topic], fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        if (message.value) {
          out.events.push({
            ...parseEvent(message.value),
            receivedAt: Date.now(),
            raw: message.value,
          });
        }
        return Promise.resolve();
      },
    });
    return out;
  }
}

export function tokenBody(
  account: string,
  user: string,
  password: string,
  projectId?: string,
): Json {
  return {
    auth: {
      identity: {
        methods: ['password'],
        password: { user: { name: user, password, domain: { name: account } } },
      },
      ...(projectId ? { scope: { project: { id: projectId } } } : {}),
    },
  };
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

/** System policy ids (the same in every installation). */
export const POLICY = {
  fullAccess: '00000000-0000-4000-a000-000000000001',
  commonOperations: '00000000-0000-4000-a000-000000000002',
  obs: '00000000-0000-4000-a000-000000000003',
  swr: '00000000-0000-4000-a000-000000000004',
};
