// The world a gateway test runs in, on the real local stack: topics of its own (a unique
// prefix) fed with the events the keys, deployments, quotas and IAM services publish; real
// EndpointSlices on the kube-apiserver whose addresses ENDPOINT_OVERRIDE maps to the vLLM
// simulators; IAM's public keys served over HTTP; and gateway processes started from source.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { type DescMessage, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { DiscoveryV1Api, KubeConfig } from '@kubernetes/client-node';
import { type Kafka, type Producer } from 'kafkajs';
import { ApiKeyHasher, generateApiKeySecret } from '@maas/api-keys';
import { loadSigningKey, TokenSigner } from '@maas/auth';
import {
  AccountChangedSchema,
  ALL_TOPICS,
  ApiKeyChangedSchema,
  ApiKeyDeletedSchema,
  ApiKeyStatus,
  buildEvent,
  createKafka,
  ensureTopics,
  FreeQuotaExhaustedSchema,
  PresetServiceAccessChangedSchema,
  ProjectChangedSchema,
  RateLimitPolicySetSchema,
  ServiceChangedSchema,
  ServiceState,
  Topic,
  topicName,
  UserPermissionsChangedSchema,
} from '@maas/events';
import { eventually, loadStackEnv, newSigningKeyPem, uniqueTopicPrefix } from '@maas/testing';
import { ChildGateway } from './child-gateway.js';

export const REGION = 'cn-southwest-2';
export const SIM_MODEL_PORT = 8000;
const stack = loadStackEnv();
/** The stack's two simulators. */
export const SIMULATORS = stack.SIM_URLS.split(',').map((u) => u.trim().replace(/\/$/, ''));

export interface Tenant {
  accountId: string;
  projectId: string;
}

export interface TestKey {
  keyId: string;
  secret: string;
  tenant: Tenant;
  version: bigint;
  scope: KeyScopeInit;
}

export interface KeyScopeInit {
  allServices?: boolean;
  serviceIds?: string[];
  allowedCidrs?: string[];
  allowedModels?: string[];
}

export interface TestService {
  serviceId: string;
  name: string;
  tenant: Tenant;
  k8sServiceName: string;
  version: bigint;
  qps: number;
  preset: boolean;
}

const slug = () => randomBytes(4).toString('hex');

/** A gateway world: call setup() in beforeAll and teardown() in afterAll. */
export class GatewayWorld {
  readonly prefix = uniqueTopicPrefix('gw');
  readonly pepper = randomBytes(32).toString('hex');
  readonly kafka: Kafka = createKafka({
    brokers: stack.KAFKA_BROKERS.split(','),
    clientId: 'gateway-test',
  });
  private producer?: Producer;
  private signer?: TokenSigner;
  private jwksServer?: Server;
  jwksUrl = '';
  private readonly kube: DiscoveryV1Api;
  private readonly slices: string[] = [];
  private readonly gateways: ChildGateway[] = [];
  /** Each test address (10.244.250.x) and the origin it stands for. */
  private readonly addresses = new Map<string, string>();
  private nextAddress = 1;

  constructor() {
    const kc = new KubeConfig();
    kc.loadFromFile(stack.KUBECONFIG);
    this.kube = kc.makeApiClient(DiscoveryV1Api);
  }

  async setup(): Promise<void> {
    // Other suites on the shared stack restart Kafka in their fault tests: ride that out.
    await eventually(
      async () => {
        await this.createTopics();
        return true;
      },
      { timeoutMs: 90_000, intervalMs: 1_000, description: 'Kafka reachable, topics created' },
    );
    this.producer = this.kafka.producer({ allowAutoTopicCreation: false });
    await this.producer.connect();
    const key = await loadSigningKey(newSigningKeyPem(), `kid-${slug()}`);
    this.signer = new TokenSigner(key, 3600);
    const jwks = JSON.stringify(this.signer.jwks());
    this.jwksServer = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
    });
    await new Promise<void>((resolve) => this.jwksServer!.listen(0, '127.0.0.1', resolve));
    const address = this.jwksServer.address() as { port: number };
    this.jwksUrl = `http://127.0.0.1:${address.port}/v3/auth/jwks`;
  }

  private async createTopics(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(
        admin,
        ALL_TOPICS.map((topic) =>
          topic === Topic.Keys || topic === Topic.Quotas
            ? { topic, configs: { 'cleanup.policy': 'compact' } }
            : topic,
        ),
        { prefix: this.prefix, partitions: 1 },
      );
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  async teardown(): Promise<void> {
    await Promise.allSettled(this.gateways.map((g) => g.stop()));
    await Promise.allSettled(
      this.slices.map((name) =>
        this.kube.deleteNamespacedEndpointSlice({ name, namespace: 'default' }),
      ),
    );
    await this.producer?.disconnect().catch(() => undefined);
    await new Promise((resolve) =>
      this.jwksServer ? this.jwksServer.close(resolve) : resolve(undefined),
    );
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      const topics = (await admin.listTopics()).filter((t) => t.startsWith(this.prefix));
      if (topics.length > 0) await admin.deleteTopics({ topics });
    } catch {
      // Best effort: the prefix is unique, leftovers harm no one.
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  /** ENDPOINT_OVERRIDE for every test address handed out so far. */
  endpointOverride(): string {
    return [...this.addresses].map(([ip, origin]) => `${ip}=${origin}`).join(';');
  }

  /** An address for a slice, standing for `origin` (one of the simulators by default). */
  addressFor(origin: string): string {
    for (const [ip, o] of this.addresses) if (o === origin) return ip;
    const ip = `10.244.250.${this.nextAddress++}`;
    this.addresses.set(ip, origin);
    return ip;
  }

  /** The environment of a gateway process in this world. */
  gatewayEnv(extra: Record<string, string> = {}): Record<string, string> {
    for (const sim of SIMULATORS) this.addressFor(sim);
    return {
      KAFKA_BROKERS: stack.KAFKA_BROKERS,
      KAFKA_TOPIC_PREFIX: this.prefix,
      REDIS_URL: stack.REDIS_URL,
      KUBECONFIG: stack.KUBECONFIG,
      REGION,
      API_KEY_PEPPER: this.pepper,
      IAM_JWKS_URL: this.jwksUrl,
      ENDPOINT_OVERRIDE: this.endpointOverride(),
      LOG_LEVEL: 'info',
      USAGE_SPILL_DIR: `/tmp/maas-gateway-test-usage-${this.prefix}`,
      ...extra,
    };
  }

  /** Starts a gateway process in this world (stopped by teardown). */
  async gateway(name = 'gateway', extra: Record<string, string> = {}): Promise<ChildGateway> {
    const gateway = new ChildGateway(`${name}-${this.prefix}`, this.gatewayEnv(extra));
    this.gateways.push(gateway);
    await gateway.start();
    return gateway;
  }

  private async publish<Desc extends DescMessage>(
    schema: Desc,
    payload: MessageInitShape<Desc>,
    meta: { accountId: string; projectId?: string; aggregateType: string; aggregateId: string },
  ): Promise<void> {
    const event = buildEvent({ schema, payload, ...meta });
    await this.producer!.send({
      topic: topicName(event.topic, this.prefix),
      messages: [{ key: event.key, value: Buffer.from(event.bytes) }],
    });
  }

  /** A tenant account with one project in the region (on maas.iam.v1). */
  async tenant(): Promise<Tenant> {
    const tenant = { accountId: randomUUID(), projectId: randomUUID() };
    await this.publish(
      ProjectChangedSchema,
      { projectId: tenant.projectId, accountId: tenant.accountId, region: REGION, name: REGION },
      { accountId: tenant.accountId, aggregateType: 'project', aggregateId: tenant.projectId },
    );
    return tenant;
  }

  async freezeAccount(tenant: Tenant, frozen: boolean, version: bigint): Promise<void> {
    await this.publish(
      AccountChangedSchema,
      { accountId: tenant.accountId, name: `acct-${slug()}`, frozen, version },
      { accountId: tenant.accountId, aggregateType: 'account', aggregateId: tenant.accountId },
    );
  }

  /** An IAM user with the given policy statements (none: no permission) and a token. */
  async userToken(
    tenant: Tenant,
    options: { root?: boolean; actions?: string[]; projectScoped?: boolean } = {},
  ): Promise<string> {
    const userId = randomUUID();
    const userName = `user-${slug()}`;
    const policies = (options.actions ?? []).length
      ? [
          {
            policyId: randomUUID(),
            name: 'test-policy',
            documentJson: JSON.stringify({
              Version: '1.1',
              Statement: [{ Effect: 'Allow', Action: options.actions }],
            }),
            scopeGlobal: false,
            projectIds: [tenant.projectId],
            groupId: randomUUID(),
          },
        ]
      : [];
    await this.publish(
      UserPermissionsChangedSchema,
      { accountId: tenant.accountId, userId, userName, root: options.root ?? false, policies },
      { accountId: tenant.accountId, aggregateType: 'user', aggregateId: userId },
    );
    const { token } = await this.signer!.issue({
      accountId: tenant.accountId,
      accountName: 'acct',
      userId,
      userName,
      root: options.root ?? false,
      ...(options.projectScoped ? { projectId: tenant.projectId } : {}),
    });
    return token;
  }

  /** A new API key of the tenant (as the keys service publishes it). */
  async key(tenant: Tenant, scope: KeyScopeInit = {}): Promise<TestKey> {
    const key: TestKey = {
      keyId: randomUUID(),
      secret: generateApiKeySecret(),
      tenant,
      version: 1n,
      scope,
    };
    await this.publishKey(key, {});
    return key;
  }

  private async publishKey(
    key: TestKey,
    extra: { previousSecretHash?: string; previousValidUntil?: Date; frozen?: boolean },
  ): Promise<void> {
    const hasher = new ApiKeyHasher(this.pepper);
    await this.publish(
      ApiKeyChangedSchema,
      {
        keyId: key.keyId,
        accountId: key.tenant.accountId,
        projectId: key.tenant.projectId,
        region: REGION,
        tag: `tag-${slug()}`,
        status: extra.frozen ? ApiKeyStatus.FROZEN : ApiKeyStatus.ACTIVE,
        secretHash: hasher.hash(key.secret),
        scope: {
          allServices: key.scope.allServices ?? true,
          serviceIds: key.scope.serviceIds ?? [],
          allowedCidrs: key.scope.allowedCidrs ?? [],
          allowedModels: key.scope.allowedModels ?? [],
        },
        version: key.version,
        ...(extra.previousSecretHash
          ? {
              previousSecretHash: extra.previousSecretHash,
              previousValidUntil: timestampFromDate(extra.previousValidUntil!),
            }
          : {}),
      },
      {
        accountId: key.tenant.accountId,
        projectId: key.tenant.projectId,
        aggregateType: 'api_key',
        aggregateId: key.keyId,
      },
    );
  }

  async freezeKey(key: TestKey): Promise<void> {
    key.version += 1n;
    await this.publishKey(key, { frozen: true });
  }

  /** Rotates the key: a new secret; the old one works until `graceUntil`. Returns the old one. */
  async rotateKey(key: TestKey, graceUntil: Date): Promise<string> {
    const old = key.secret;
    key.secret = generateApiKeySecret();
    key.version += 1n;
    await this.publishKey(key, {
      previousSecretHash: new ApiKeyHasher(this.pepper).hash(old),
      previousValidUntil: graceUntil,
    });
    return old;
  }

  async deleteKey(key: TestKey): Promise<void> {
    key.version += 1n;
    await this.publish(
      ApiKeyDeletedSchema,
      {
        keyId: key.keyId,
        secretHash: new ApiKeyHasher(this.pepper).hash(key.secret),
        accountId: key.tenant.accountId,
        projectId: key.tenant.projectId,
        version: key.version,
      },
      {
        accountId: key.tenant.accountId,
        projectId: key.tenant.projectId,
        aggregateType: 'api_key',
        aggregateId: key.keyId,
      },
    );
  }

  /**
   * A running model service of the tenant (ServiceChanged as the deployments service
   * publishes it) and the EndpointSlice of its Kubernetes Service, whose endpoints stand for
   * `origins` (default: both simulators).
   */
  async service(
    tenant: Tenant,
    options: { name?: string; qps?: number; preset?: boolean; origins?: string[] } = {},
  ): Promise<TestService> {
    const service: TestService = {
      serviceId: randomUUID(),
      name: options.name ?? `svc-${slug()}`,
      tenant,
      k8sServiceName: `gw-test-${slug()}`,
      version: 1n,
      qps: options.qps ?? 0,
      preset: options.preset ?? false,
    };
    await this.endpointSlice(service, options.origins ?? SIMULATORS);
    await this.publishService(service, ServiceState.RUNNING);
    return service;
  }

  async setServiceState(service: TestService, state: ServiceState): Promise<void> {
    service.version += 1n;
    await this.publishService(service, state);
  }

  private async publishService(service: TestService, state: ServiceState): Promise<void> {
    const callable = [
      ServiceState.RUNNING,
      ServiceState.ALARM,
      ServiceState.UPDATING,
      ServiceState.UPGRADING,
    ].includes(state);
    await this.publish(
      ServiceChangedSchema,
      {
        serviceId: service.serviceId,
        accountId: service.tenant.accountId,
        projectId: service.tenant.projectId,
        region: REGION,
        name: service.name,
        state,
        callable,
        qps: service.qps,
        instances: 2,
        modelId: 'sim',
        modelName: 'sim-model',
        modelVersion: '1',
        variant: '32k',
        contextLength: 32768,
        maxInputTokens: 30720,
        maxOutputTokens: 2048,
        k8sNamespace: 'default',
        k8sServiceName: service.k8sServiceName,
        port: SIM_MODEL_PORT,
        version: service.version,
        preset: service.preset,
      },
      {
        accountId: service.tenant.accountId,
        projectId: service.tenant.projectId,
        aggregateType: 'service',
        aggregateId: service.serviceId,
      },
    );
  }

  async enablePreset(tenant: Tenant, service: TestService, version = 1n): Promise<void> {
    await this.publish(
      PresetServiceAccessChangedSchema,
      { accountId: tenant.accountId, serviceId: service.serviceId, enabled: true, version },
      {
        accountId: tenant.accountId,
        aggregateType: 'preset_access',
        aggregateId: `${tenant.accountId}:${service.serviceId}`,
      },
    );
  }

  async freeQuotaExhausted(tenant: Tenant, model: string): Promise<void> {
    await this.publish(
      FreeQuotaExhaustedSchema,
      {
        accountId: tenant.accountId,
        projectId: tenant.projectId,
        model,
        quotaTokens: 10n,
        usedTokens: 12n,
      },
      {
        accountId: tenant.accountId,
        projectId: tenant.projectId,
        aggregateType: 'free_quota',
        aggregateId: `${tenant.projectId}:${model}`,
      },
    );
  }

  /** A RateLimitPolicySet for a key (all models, or one) or a service (QPS). */
  async keyPolicy(
    key: TestKey,
    limits: { rpm?: number; tpm?: number; model?: string },
  ): Promise<void> {
    const policyId = randomUUID();
    await this.publish(
      RateLimitPolicySetSchema,
      {
        policyId,
        subject: { case: 'keyId', value: key.keyId },
        model: limits.model ?? '',
        rpm: limits.rpm ?? 0,
        tpm: limits.tpm ?? 0,
        accountId: key.tenant.accountId,
        projectId: key.tenant.projectId,
        version: 1n,
      },
      {
        accountId: key.tenant.accountId,
        projectId: key.tenant.projectId,
        aggregateType: 'rate_limit_policy',
        aggregateId: policyId,
      },
    );
  }

  /** The EndpointSlice of the service's Kubernetes Service, one ready endpoint per origin. */
  async endpointSlice(service: TestService, origins: string[]): Promise<void> {
    const name = `${service.k8sServiceName}-${slug()}`;
    await this.kube.createNamespacedEndpointSlice({
      namespace: 'default',
      body: {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          name,
          labels: {
            'kubernetes.io/service-name': service.k8sServiceName,
            'maas.io/service-id': service.serviceId,
            'endpointslice.kubernetes.io/managed-by': 'maas-gateway-test',
          },
        },
        addressType: 'IPv4',
        ports: [{ name: 'http', port: SIM_MODEL_PORT, protocol: 'TCP' }],
        endpoints: origins.map((origin) => ({
          addresses: [this.addressFor(origin)],
          conditions: { ready: true, serving: true, terminating: false },
        })),
      },
    });
    this.slices.push(name);
  }
}
