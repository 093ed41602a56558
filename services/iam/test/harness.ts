import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type DestinationStream } from 'pino';
import { loadConfig } from '@maas/config';
import { type DecodedEvent, parseEvent, Topic } from '@maas/events';
import { type Method, type Reply, ServiceTestWorld } from '@maas/service-testing';
import { loadStackEnv, newSigningKeyPem, uniqueName } from '@maas/testing';
import { AGENCY_NAME_SUFFIX, type AgencyNameSuffix } from '../src/agencies/agency-naming.js';
import { AppModule } from '../src/app.module.js';
import { configureApp } from '../src/app.setup.js';
import { iamConfigSchema, type IamConfig } from '../src/config.js';

export { type Reply } from '@maas/service-testing';
export { newSigningKeyPem, withDb } from '@maas/testing';

export const stack = loadStackEnv();

export const OPERATOR_TOKEN = 'operator-secret-for-tests-0123456789';

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

/**
 * One isolated IAM per test file: its own PostgreSQL schema and Kafka topic prefix, one app
 * (relaying its outbox to the prefixed maas.iam.v1), the log lines it wrote, and helpers to
 * drive it. `close` drops the schema, the topics and the consumer groups.
 */
export class IamWorld extends ServiceTestWorld {
  readonly signingKey = newSigningKeyPem();
  readonly config: IamConfig;

  constructor(private readonly options: WorldOptions = {}) {
    super('iam');
    this.config = loadConfig(iamConfigSchema, {
      ...this.stackEnv(),
      KAFKA_TOPIC_PARTITIONS: '3',
      TOKEN_SIGNING_KEY: this.signingKey,
      OPERATOR_TOKEN,
      ...options.env,
    });
  }

  get topic(): string {
    return this.topicNameOf(Topic.Iam);
  }

  protected appModule(logDestination: DestinationStream) {
    return AppModule.forRoot(this.config, { logDestination });
  }

  protected configure(app: NestFastifyApplication): void {
    configureApp(app);
  }

  protected override overrides(): [symbol, unknown][] {
    const { agencySuffix } = this.options;
    return agencySuffix ? [[AGENCY_NAME_SUFFIX, agencySuffix]] : [];
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
    const out = { events: [] as (DecodedEvent & { receivedAt: number; raw: Buffer })[] };
    await this.subscribe([this.topic], ({ message }) => {
      if (message.value) {
        out.events.push({
          ...parseEvent(message.value),
          receivedAt: Date.now(),
          raw: message.value,
        });
      }
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

/** System policy ids (the same in every installation). */
export const POLICY = {
  fullAccess: '00000000-0000-4000-a000-000000000001',
  commonOperations: '00000000-0000-4000-a000-000000000002',
  obs: '00000000-0000-4000-a000-000000000003',
  swr: '00000000-0000-4000-a000-000000000004',
};
