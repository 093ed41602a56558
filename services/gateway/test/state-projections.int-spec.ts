import { type Kafka, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildEvent,
  createKafka,
  ensureTopics,
  type EventInput,
  FreeQuotaExhaustedSchema,
  FreeQuotaRestoredSchema,
  PresetServiceAccessChangedSchema,
  RateLimitPolicyRemovedSchema,
  RateLimitPolicySetSchema,
  ServiceChangedSchema,
  ServiceState,
  ServiceStateChangedSchema,
  Topic,
  topicName,
} from '@maas/events';
import { eventually, loadStackEnv, quiet, uniqueTopicPrefix } from '@maas/testing';
import { ServiceDirectory, ServiceDirectoryConsumer } from '../src/directory/index.js';
import { LimitPolicies, LimitPoliciesConsumer } from '../src/policies/index.js';

// The gateway's projections on the real Kafka: real envelopes on a unique topic prefix, the
// consumers replay them from the beginning, report caught up, then follow new messages.

const prefix = uniqueTopicPrefix('gws');
const env = loadStackEnv();
let kafka: Kafka;
let producer: Producer;
const started: { stop(): Promise<void> }[] = [];

async function publish(...events: EventInput[]): Promise<void> {
  for (const input of events) {
    const built = buildEvent(input);
    await producer.send({
      topic: topicName(built.topic, prefix),
      messages: [{ key: built.key, value: Buffer.from(built.bytes) }],
    });
  }
}

async function tombstone(topic: Topic, key: string): Promise<void> {
  await producer.send({ topic: topicName(topic, prefix), messages: [{ key, value: null }] });
}

function serviceChanged(
  over: Partial<{
    serviceId: string;
    projectId: string;
    accountId: string;
    name: string;
    state: ServiceState;
    preset: boolean;
    deleted: boolean;
    qps: number;
    version: bigint;
  }>,
): EventInput<typeof ServiceChangedSchema> {
  const serviceId = over.serviceId ?? 'svc-1';
  const accountId = over.accountId ?? 'acct-1';
  const projectId = over.projectId ?? 'proj-1';
  return {
    schema: ServiceChangedSchema,
    payload: {
      serviceId,
      accountId,
      projectId,
      region: 'region-1',
      name: over.name ?? 'my-model',
      state: over.state ?? ServiceState.RUNNING,
      callable: true,
      qps: over.qps ?? 10,
      instances: 1,
      modelName: 'DeepSeek-R1',
      modelVersion: 'v1',
      contextLength: 32768,
      maxInputTokens: 28672,
      maxOutputTokens: 4096,
      k8sNamespace: 'maas-proj-1',
      k8sServiceName: `ms-${serviceId}`,
      port: 8000,
      deleted: over.deleted ?? false,
      version: over.version ?? 1n,
      preset: over.preset ?? false,
    },
    accountId,
    projectId,
    aggregateType: 'service',
    aggregateId: serviceId,
  };
}

function presetAccess(
  accountId: string,
  serviceId: string,
  enabled: boolean,
  version: bigint,
): EventInput<typeof PresetServiceAccessChangedSchema> {
  return {
    schema: PresetServiceAccessChangedSchema,
    payload: { accountId, serviceId, enabled, version },
    accountId,
    aggregateType: 'preset_access',
    aggregateId: `${accountId}:${serviceId}`,
  };
}

function policySet(
  policyId: string,
  subject: { case: 'keyId'; value: string } | { case: 'serviceId'; value: string },
  limits: { model?: string; rpm?: number; tpm?: number; qps?: number; version: bigint },
): EventInput<typeof RateLimitPolicySetSchema> {
  return {
    schema: RateLimitPolicySetSchema,
    payload: {
      policyId,
      subject,
      model: limits.model ?? '',
      rpm: limits.rpm ?? 0,
      tpm: limits.tpm ?? 0,
      qps: limits.qps ?? 0,
      accountId: 'acct-1',
      projectId: 'proj-1',
      version: limits.version,
    },
    accountId: 'acct-1',
    projectId: 'proj-1',
    aggregateType: 'rate_limit_policy',
    aggregateId: policyId,
  };
}

function freeQuota(
  schema: typeof FreeQuotaExhaustedSchema | typeof FreeQuotaRestoredSchema,
  projectId: string,
  model: string,
): EventInput {
  return {
    schema,
    payload: { accountId: 'acct-1', projectId, model, quotaTokens: 100n, usedTokens: 120n },
    accountId: 'acct-1',
    projectId,
    aggregateType: 'free_quota',
    aggregateId: `${projectId}:${model}`,
  };
}

function directoryConsumer(directory: ServiceDirectory): ServiceDirectoryConsumer {
  const consumer = new ServiceDirectoryConsumer({
    kafka,
    directory,
    topicPrefix: prefix,
    logger: quiet,
  });
  started.push(consumer);
  return consumer;
}

function policiesConsumer(policies: LimitPolicies): LimitPoliciesConsumer {
  const consumer = new LimitPoliciesConsumer({
    kafka,
    policies,
    topicPrefix: prefix,
    logger: quiet,
  });
  started.push(consumer);
  return consumer;
}

beforeAll(async () => {
  kafka = createKafka({
    brokers: env.KAFKA_BROKERS,
    clientId: 'gateway-state-test',
    logger: quiet,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(
      admin,
      [Topic.Deployments, { topic: Topic.Quotas, configs: { 'cleanup.policy': 'compact' } }],
      { prefix, partitions: 3 },
    );
  } finally {
    await admin.disconnect();
  }
  producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
});

afterAll(async () => {
  await Promise.allSettled(started.map((c) => c.stop()));
  await producer?.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  await admin
    .deleteTopics({ topics: [Topic.Deployments, Topic.Quotas].map((t) => topicName(t, prefix)) })
    .catch(() => undefined);
  await admin.disconnect();
});

describe('ServiceDirectoryConsumer on maas.deployments.v1', () => {
  it('replays the history, reports caught up, then follows new snapshots', async () => {
    // History written before the gateway starts: a service's lifecycle (the state change is
    // skipped, the snapshots apply, highest version last), a deleted service, a preset
    // service and one account's access to it, and a malformed message.
    await publish(
      serviceChanged({ serviceId: 'svc-1', state: ServiceState.DEPLOYING, version: 1n }),
      {
        schema: ServiceStateChangedSchema,
        payload: { serviceId: 'svc-1', toState: ServiceState.RUNNING, version: 2n },
        accountId: 'acct-1',
        projectId: 'proj-1',
        aggregateType: 'service',
        aggregateId: 'svc-1',
      },
      serviceChanged({ serviceId: 'svc-1', state: ServiceState.RUNNING, version: 2n }),
      serviceChanged({ serviceId: 'gone', name: 'gone-model', version: 1n }),
      serviceChanged({ serviceId: 'gone', name: 'gone-model', deleted: true, version: 2n }),
      serviceChanged({
        serviceId: 'preset-1',
        accountId: 'platform',
        projectId: 'platform-proj',
        name: 'DeepSeek-R1',
        preset: true,
      }),
      presetAccess('acct-2', 'preset-1', true, 1n),
    );
    await producer.send({
      topic: topicName(Topic.Deployments, prefix),
      messages: [{ key: 'svc-1', value: Buffer.from('not an envelope') }],
    });

    const directory = new ServiceDirectory({ region: 'region-1' });
    const consumer = directoryConsumer(directory);
    expect(consumer.caughtUp).toBe(false);
    await consumer.start();
    await eventually(() => consumer.caughtUp, { description: 'directory caught up' });

    expect(directory.resolve('proj-1', 'acct-1', 'my-model')).toMatchObject({
      ok: true,
      service: { serviceId: 'svc-1', state: 'running', version: 2n },
    });
    expect(directory.get('gone')).toBeUndefined();
    expect(directory.resolve('tenant-proj', 'acct-2', 'DeepSeek-R1')).toMatchObject({
      ok: true,
      service: { serviceId: 'preset-1', preset: true },
    });
    expect(directory.resolve('tenant-proj', 'acct-3', 'DeepSeek-R1')).toMatchObject({
      ok: false,
      reason: 'preset_not_enabled',
    });
    expect(consumer.stats()).toMatchObject({ services: 5, presetAccess: 1, malformed: 1 });

    // Live: the service stops, then the other account enables the preset service.
    await publish(
      serviceChanged({ serviceId: 'svc-1', state: ServiceState.STOPPED, version: 3n }),
      presetAccess('acct-3', 'preset-1', true, 1n),
    );
    await eventually(
      () =>
        directory.resolve('proj-1', 'acct-1', 'my-model').ok === false &&
        directory.isPresetEnabled('acct-3', 'preset-1'),
      { timeoutMs: 5_000, description: 'live changes applied' },
    );
    expect(directory.resolve('proj-1', 'acct-1', 'my-model')).toMatchObject({
      ok: false,
      reason: 'not_callable',
    });
  });

  it('every replica reads every partition (its own group), and an old snapshot is ignored', async () => {
    // Spread over partitions: services keyed by many ids.
    const ids = Array.from({ length: 12 }, (_, i) => `spread-${i}`);
    await publish(...ids.map((id) => serviceChanged({ serviceId: id, name: id, version: 5n })));
    const replicas = [new ServiceDirectory(), new ServiceDirectory()];
    const consumers = replicas.map((d) => directoryConsumer(d));
    await Promise.all(consumers.map((c) => c.start()));
    await eventually(() => consumers.every((c) => c.caughtUp), { description: 'both caught up' });
    expect(consumers[0].groupId).not.toBe(consumers[1].groupId);
    for (const directory of replicas) {
      for (const id of ids) expect(directory.get(id)?.version).toBe(5n);
    }
    // An older snapshot delivered after a newer one is ignored by every replica.
    const applied = consumers.map((c) => c.stats().services);
    await publish(serviceChanged({ serviceId: 'spread-0', name: 'spread-0', qps: 1, version: 4n }));
    await eventually(() => consumers.every((c, i) => c.stats().services === applied[i] + 1), {
      timeoutMs: 5_000,
      description: 'the old snapshot delivered',
    });
    for (const directory of replicas)
      expect(directory.get('spread-0')).toMatchObject({ qps: 10, version: 5n });
  });
});

describe('LimitPoliciesConsumer on maas.quotas.v1', () => {
  it('replays policies, removals with tombstones and free quota, then follows changes', async () => {
    const key = { case: 'keyId' as const, value: 'key-1' };
    await publish(
      policySet('pol-all', key, { rpm: 60, tpm: 6000, version: 1n }),
      policySet('pol-m', key, { model: 'my-model', rpm: 5, tpm: 500, version: 1n }),
      policySet('pol-svc', { case: 'serviceId', value: 'svc-1' }, { qps: 3, version: 1n }),
      policySet('pol-old', { case: 'keyId', value: 'key-2' }, { rpm: 1, version: 1n }),
      {
        schema: RateLimitPolicyRemovedSchema,
        payload: {
          policyId: 'pol-old',
          subject: { case: 'keyId', value: 'key-2' },
          model: '',
          accountId: 'acct-1',
          projectId: 'proj-1',
          version: 2n,
        },
        accountId: 'acct-1',
        projectId: 'proj-1',
        aggregateType: 'rate_limit_policy',
        aggregateId: 'pol-old',
      },
      freeQuota(FreeQuotaExhaustedSchema, 'proj-1', 'DeepSeek-R1'),
    );
    await tombstone(Topic.Quotas, 'pol-old');

    const policies = new LimitPolicies();
    const consumer = policiesConsumer(policies);
    await consumer.start();
    await eventually(() => consumer.caughtUp, { description: 'policies caught up' });

    expect(policies.keyLimits('key-1', 'my-model')).toEqual({
      key: { rpm: 60, tpm: 6000 },
      keyModel: { rpm: 5, tpm: 500 },
    });
    expect(policies.keyLimits('key-1', 'other')).toEqual({ key: { rpm: 60, tpm: 6000 } });
    expect(policies.keyLimits('key-2', 'my-model')).toEqual({});
    expect(policies.serviceQps('svc-1')).toBe(3);
    expect(policies.freeQuotaUsedUp('proj-1', 'DeepSeek-R1')).toBe(true);
    expect(consumer.stats()).toMatchObject({ policySet: 4, policyRemoved: 1, tombstones: 1 });

    await publish(
      policySet('pol-all', key, { rpm: 120, tpm: 6000, version: 2n }),
      freeQuota(FreeQuotaRestoredSchema, 'proj-1', 'DeepSeek-R1'),
    );
    await eventually(
      () =>
        policies.keyLimits('key-1', '').key?.rpm === 120 &&
        !policies.freeQuotaUsedUp('proj-1', 'DeepSeek-R1'),
      { timeoutMs: 5_000, description: 'live policy changes applied' },
    );
  });
});
