// The deployments app on the real stack, isolated per test file (own PostgreSQL schema, Kafka
// topic prefix and BullMQ prefix: @maas/service-testing's world), with tenants made by
// publishing IAM snapshot events and tokens signed by a test key the app trusts.
import { randomUUID } from 'node:crypto';
import { type InjectionToken } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import pino, { type DestinationStream } from 'pino';
import { DataSource } from 'typeorm';
import { SYSTEM_POLICIES, type SystemPolicyName } from '@maas/auth';
import { loadConfig } from '@maas/config';
import { IamClientWorld, REGION, userPermissionsChanged } from '@maas/service-testing';
import { loadStackEnv } from '@maas/testing';
import { AppModule } from '../src/app.module.js';
import { configureApp } from '../src/app.setup.js';
import { deploymentsConfigSchema, type DeploymentsConfig } from '../src/config.js';
import { DEPLOYMENTS_TOPIC } from '../src/events/deployments-topic.js';
import { type Observation } from '../src/lifecycle/index.js';
import { ServiceObservations } from '../src/model-services/service-observations.js';

export { REGION } from '@maas/service-testing';
export { quiet } from '@maas/testing';

export const stack = loadStackEnv();
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

/**
 * One deployments app per test file. The reconciler is off unless `start`'s env turns it on
 * (RECONCILER=true): the API tests drive the lifecycle through ServiceObservations instead.
 */
export class Harness extends IamClientWorld {
  /** A pooled connection for the tests' own queries (the world's `rows` opens one per call). */
  readonly db = new DataSource({ type: 'postgres', url: stack.DATABASE_URL, poolSize: 4 });
  config!: DeploymentsConfig;
  private replaced: { token: unknown; value: unknown }[] = [];

  constructor() {
    super('dep', DEPLOYMENTS_TOPIC, { redis: true });
  }

  /** Boots the app with `env` over the test settings; `overrides` replace providers. */
  override async start(
    env: Record<string, string> = {},
    overrides: { token: unknown; value: unknown }[] = [],
  ): Promise<this> {
    if (!this.db.isInitialized) await this.db.initialize();
    this.replaced = overrides;
    this.config = loadConfig(deploymentsConfigSchema, {
      ...this.stackEnv(),
      // Never fetched: the world signs tokens with its own key (its TOKEN_VERIFIER override).
      IAM_JWKS_URL: 'http://127.0.0.1:1/v3/auth/jwks',
      BULLMQ_PREFIX: this.redisPrefix,
      KUBECONFIG: stack.KUBECONFIG,
      REGION,
      PUBLIC_BASE_URL: 'https://maas.example.com',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
      WEBHOOK_SIGNING_SECRET: WEBHOOK_SECRET,
      WEBHOOK_ALLOW_HTTP: 'true',
      NOTIFICATION_BACKOFF_MS: '50',
      RECONCILER: 'false',
      // The pool_npus quota (src/quota-limits/) only where a test sets it.
      DEFAULT_POOL_NPUS: '1000000',
      ...env,
    });
    return super.start();
  }

  /** Tears the world down (app, topics, groups, schema, BullMQ keys), then the pool. */
  async stop(): Promise<void> {
    try {
      await this.close();
    } finally {
      if (this.db.isInitialized) await this.db.destroy();
    }
  }

  protected appModule(logDestination: DestinationStream) {
    // TEST_LOG_FILE=/tmp/x.log (with TEST_LOG_LEVEL=debug…) keeps the app's logs for a look.
    const logFile = process.env.TEST_LOG_FILE;
    return AppModule.forRoot(this.config, {
      logDestination: logFile ? pino.destination({ dest: logFile, sync: true }) : logDestination,
    });
  }

  protected configure(app: NestFastifyApplication): void {
    configureApp(app);
  }

  protected override overrides(): [InjectionToken, unknown][] {
    return [
      ...super.overrides(),
      ...this.replaced.map(({ token, value }): [InjectionToken, unknown] => [
        token as InjectionToken,
        value,
      ]),
    ];
  }

  /** A new account with one project in REGION and a user with the given policies. */
  async tenant(
    opts: { policies?: SystemPolicyName[]; authorized?: boolean; accountId?: string } = {},
  ): Promise<Tenant> {
    const accountId = opts.accountId ?? randomUUID();
    const account = { id: accountId, name: `acc-${accountId.slice(0, 6)}` };
    const projectId = await this.project(account);
    const { userId, token } = await this.member(account, {
      policies: (opts.policies ?? ['ModelArts FullAccess']).map((name) => SYSTEM_POLICIES[name]),
      modelartsAuthorized: opts.authorized ?? true,
    });
    return { accountId, projectId, userId, token };
  }

  /** Publishes a UserPermissionsChanged snapshot (newer than any before it). */
  async setUser(
    accountId: string,
    userId: string,
    opts: { policies: SystemPolicyName[]; authorized: boolean },
  ): Promise<void> {
    await this.producer.publish(
      userPermissionsChanged({
        accountId,
        userId,
        userName: `user-${userId.slice(0, 6)}`,
        modelartsAuthorized: opts.authorized,
        policies: opts.policies.map((name) => ({ name, document: SYSTEM_POLICIES[name] })),
      }),
    );
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
