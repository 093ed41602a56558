// The deployments app on the real stack, isolated per test file (own PostgreSQL schema, Kafka
// topic prefix and BullMQ prefix), with tenants made by publishing IAM snapshot events and
// tokens signed by a test key the app trusts.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { type LightMyRequestResponse } from 'fastify';
import { logLevel } from 'kafkajs';
import { Redis } from 'ioredis';
import pino from 'pino';
import { DataSource } from 'typeorm';
import {
  IamProjection,
  loadSigningKey,
  SYSTEM_POLICIES,
  type SystemPolicyName,
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
  ProjectChangedSchema,
  topicName,
  UserPermissionsChangedSchema,
  UserPolicySchema,
} from '@maas/events';
import { createFastifyAdapter } from '@maas/observability';
import { eventually, loadStackEnv, uniqueName, uniqueTopicPrefix } from '@maas/testing';
import { AppModule } from '../src/app.module.js';
import { configureApp } from '../src/app.setup.js';
import { deploymentsConfigSchema, type DeploymentsConfig } from '../src/config.js';
import { IAM_PROJECTION_CONSUMER } from '../src/events/iam-projection.service.js';
import { type Observation } from '../src/lifecycle/index.js';
import { ServiceObservations } from '../src/model-services/service-observations.js';

export const stack = loadStackEnv();
export const REGION = 'cn-southwest-2';
export const quiet = { debug() {}, info() {}, warn() {}, error() {} };
export const WEBHOOK_SECRET = 'test-webhook-secret-0123456789abcdef';

export interface Tenant {
  accountId: string;
  projectId: string;
  userId: string;
  token: string;
}

export interface ErrorJson {
  error_code: string;
  error_msg: string;
  details?: { fields?: { field: string; messages: string[] }[]; [key: string]: unknown };
}

export class Harness {
  readonly schema = uniqueName('dep');
  readonly prefix = uniqueTopicPrefix('dep');
  readonly kafka = createKafka({
    brokers: stack.KAFKA_BROKERS,
    clientId: this.schema,
    logLevel: logLevel.NOTHING,
    logger: quiet,
  });
  readonly db = new DataSource({ type: 'postgres', url: stack.DATABASE_URL, poolSize: 4 });
  private readonly producer = new EventProducer({
    kafka: this.kafka,
    topicPrefix: this.prefix,
    logger: quiet,
  });
  app!: NestFastifyApplication;
  config!: DeploymentsConfig;
  private signer?: TokenSigner;
  private readonly extraTopics: string[] = [];

  /**
   * Boots the app. The reconciler is off unless `env` turns it on (RECONCILER=true): the
   * API tests drive the lifecycle through ServiceObservations instead. `overrides` replace
   * providers (e.g. the POD_TEMPLATE_HOOK).
   */
  async start(
    env: Record<string, string> = {},
    overrides: { token: unknown; value: unknown }[] = [],
  ): Promise<void> {
    if (!this.db.isInitialized) await this.db.initialize();
    const admin = this.kafka.admin();
    await admin.connect();
    await ensureTopics(admin, ALL_TOPICS, { prefix: this.prefix, partitions: 3 });
    await admin.disconnect();
    if (!this.signer) {
      const { privateKey } = generateKeyPairSync('ed25519');
      const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      this.signer = new TokenSigner(await loadSigningKey(pem, 'test-key'), 3600);
    }
    this.config = loadConfig(deploymentsConfigSchema, {
      DATABASE_URL: stack.DATABASE_URL,
      DB_SCHEMA: this.schema,
      KAFKA_BROKERS: stack.KAFKA_BROKERS,
      KAFKA_TOPIC_PREFIX: this.prefix,
      REDIS_URL: stack.REDIS_URL,
      // Never fetched: the harness signs tokens with its own key (TOKEN_VERIFIER below).
      IAM_JWKS_URL: 'http://127.0.0.1:1/v3/auth/jwks',
      BULLMQ_PREFIX: this.schema,
      KUBECONFIG: stack.KUBECONFIG,
      REGION,
      PUBLIC_BASE_URL: 'https://maas.example.com',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
      WEBHOOK_SIGNING_SECRET: WEBHOOK_SECRET,
      WEBHOOK_ALLOW_HTTP: 'true',
      NOTIFICATION_BACKOFF_MS: '50',
      RECONCILER: 'false',
      ...env,
    });
    // TEST_LOG_FILE=/tmp/x.log (with TEST_LOG_LEVEL=debug…) keeps the app's logs for a look.
    const logFile = process.env.TEST_LOG_FILE;
    let builder = Test.createTestingModule({
      imports: [
        AppModule.forRoot(
          this.config,
          logFile ? { logDestination: pino.destination({ dest: logFile, sync: true }) } : {},
        ),
      ],
    })
      .overrideProvider(TOKEN_VERIFIER)
      .useValue(TokenVerifier.local(this.signer.jwks()));
    for (const { token, value } of overrides)
      builder = builder.overrideProvider(token as string).useValue(value);
    const moduleRef = await builder.compile();
    this.app = moduleRef.createNestApplication<NestFastifyApplication>(createFastifyAdapter(), {
      bufferLogs: true,
    });
    configureApp(this.app);
    await this.app.init();
    await this.app.getHttpAdapter().getInstance().ready();
  }

  /** Tears everything down; each step runs even if an earlier one failed. */
  async stop(): Promise<void> {
    const steps: (() => Promise<unknown>)[] = [
      () => this.app?.close() ?? Promise.resolve(),
      () => this.producer.disconnect(),
      () => this.dropTopics(),
      () => this.db.query(`DROP SCHEMA IF EXISTS "${this.schema}" CASCADE`),
      () => this.db.destroy(),
      () => this.dropQueues(),
    ];
    const failures: unknown[] = [];
    for (const step of steps) await step().catch((error: unknown) => failures.push(error));
    if (failures.length > 0) throw new AggregateError(failures, 'harness teardown failed');
  }

  private async dropTopics(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await admin.deleteGroups([`${this.prefix}${IAM_PROJECTION_CONSUMER}`]).catch(() => undefined);
      await admin.deleteTopics({
        topics: [...ALL_TOPICS.map((t) => topicName(t, this.prefix)), ...this.extraTopics],
      });
    } finally {
      await admin.disconnect();
    }
  }

  private async dropQueues(): Promise<void> {
    const redis = new Redis(stack.REDIS_URL);
    try {
      const keys = await redis.keys(`${this.schema}:*`);
      if (keys.length > 0) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
  }

  /** A topic a test creates (e.g. a notification topic), deleted at the end. */
  ownsTopic(physical: string): void {
    this.extraTopics.push(physical);
  }

  /** A new account with one project in REGION and a user with the given policies. */
  async tenant(
    opts: { policies?: SystemPolicyName[]; authorized?: boolean; accountId?: string } = {},
  ): Promise<Tenant> {
    const accountId = opts.accountId ?? randomUUID();
    const projectId = randomUUID();
    const userId = randomUUID();
    await this.producer.publish({
      schema: ProjectChangedSchema,
      payload: create(ProjectChangedSchema, { projectId, accountId, region: REGION, name: REGION }),
      accountId,
      aggregateType: 'project',
      aggregateId: projectId,
    });
    await this.setUser(accountId, userId, {
      policies: opts.policies ?? ['ModelArts FullAccess'],
      authorized: opts.authorized ?? true,
    });
    const projection = this.app.get(IamProjection);
    await eventually(() => projection.projectBelongsTo(projectId, accountId), {
      description: 'the project in the projection',
    });
    await eventually(
      async () => (await projection.permissionsOf(accountId, userId)) !== undefined,
      {
        description: 'the user in the projection',
      },
    );
    const { token } = await (this.signer as TokenSigner).issue({
      accountId,
      accountName: `acc-${accountId.slice(0, 6)}`,
      userId,
      userName: `user-${userId.slice(0, 6)}`,
      root: false,
    });
    return { accountId, projectId, userId, token };
  }

  /** Publishes a UserPermissionsChanged snapshot (newer than any before it). */
  async setUser(
    accountId: string,
    userId: string,
    opts: { policies: SystemPolicyName[]; authorized: boolean },
  ): Promise<void> {
    await this.producer.publish({
      schema: UserPermissionsChangedSchema,
      payload: create(UserPermissionsChangedSchema, {
        accountId,
        userId,
        userName: `user-${userId.slice(0, 6)}`,
        modelartsAuthorized: opts.authorized,
        policies: opts.policies.map((name) =>
          create(UserPolicySchema, {
            policyId: name,
            name,
            documentJson: JSON.stringify(SYSTEM_POLICIES[name]),
            scopeGlobal: true,
          }),
        ),
      }),
      accountId,
      aggregateType: 'user',
      aggregateId: userId,
    });
  }

  request(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    token: string | undefined,
    payload?: unknown,
  ): Promise<LightMyRequestResponse> {
    return this.app.inject({
      method,
      url,
      headers: token ? { 'x-auth-token': token } : {},
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  }

  /** Drives a service as the reconciler would. */
  observe(serviceId: string, observation: Observation) {
    return this.app.get(ServiceObservations).apply(serviceId, observation);
  }
}

/** Creates a pool on one of the stack's KWOK pools (pool-a: 4 nodes, pool-b: 2; 8 NPUs each). */
export async function createPool(
  h: Harness,
  tenant: Tenant,
  stackPool: 'pool-a' | 'pool-b',
  extra: Record<string, unknown> = {},
): Promise<{ id: string; name: string }> {
  const res = await h.request('POST', `/v1/${tenant.projectId}/pools`, tenant.token, {
    name: `${stackPool}-${randomUUID().slice(0, 6)}`,
    node_selector: { 'maas.io/pool': stackPool },
    taint: { key: 'maas.io/pool', value: stackPool, effect: 'NoSchedule' },
    flavors: [
      'ascend-910b-1',
      'ascend-910b-2',
      'ascend-910b-4',
      'ascend-910b-8',
      'ascend-910b-2x8',
      'ascend-910b-4x8',
    ],
    ...extra,
  });
  if (res.statusCode !== 201) throw new Error(`pool creation failed: ${res.body}`);
  return res.json<{ id: string; name: string }>();
}

/** A valid deploy body for qwen3-8b (1 NPU per instance) on `poolId`. */
export function deployBody(
  poolId: string,
  overrides: Record<string, unknown> = {},
  config: Record<string, unknown> = {},
) {
  return {
    service_name: `svc-${randomUUID().slice(0, 8)}`,
    description: 'a test service',
    config: [
      {
        model_id: 'qwen3-8b',
        model_version: '1.0.0',
        specification: 'ascend-910b-1',
        instance_count: 1,
        cluster_id: poolId,
        ...config,
      },
    ],
    qps: 10,
    ...overrides,
  };
}
