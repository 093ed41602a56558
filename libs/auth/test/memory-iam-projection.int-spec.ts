// The database-less IAM projection (what the gateway keeps), fed by real envelopes through
// real Kafka: a consumer started after the events replays the topic from its beginning and
// is caught up only once they are all applied (permissions, projects, a frozen account);
// it then follows new snapshots; two "replicas" each get every message.
import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import {
  AccountChangedSchema,
  AccountCreatedSchema,
  buildEvent,
  createKafka,
  encodeEnvelope,
  ensureTopics,
  EventProducer,
  type EventInput,
  ProjectChangedSchema,
  Topic,
  topicName,
  UserPermissionsChangedSchema,
  UserPolicySchema,
} from '@maas/events';
import { eventually, loadStackEnv, uniqueTopicPrefix } from '@maas/testing';
import { logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Actions } from '../src/policy/actions.js';
import { evaluate } from '../src/policy/policy.js';
import { SYSTEM_POLICIES } from '../src/policy/system-policies.js';
import { MemoryIamProjection } from '../src/projection/memory-iam-projection.js';
import { MemoryIamProjectionConsumer } from '../src/projection/memory-iam-projection-consumer.js';

const env = loadStackEnv();
const prefix = uniqueTopicPrefix('miam');
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const kafka = createKafka({
  brokers: env.KAFKA_BROKERS,
  clientId: 'memory-iam-projection-test',
  logLevel: logLevel.ERROR,
  logger: quiet,
});
const producer = new EventProducer({ kafka, topicPrefix: prefix, logger: quiet });
const consumers: MemoryIamProjectionConsumer[] = [];

const account = randomUUID();
const frozenAccount = randomUUID();
const project = randomUUID();
const alice = randomUUID();

function userSnapshot(userId: string, at: Date, policies: (keyof typeof SYSTEM_POLICIES)[]) {
  return {
    schema: UserPermissionsChangedSchema,
    payload: create(UserPermissionsChangedSchema, {
      accountId: account,
      userId,
      userName: 'alice',
      policies: policies.map((name) =>
        create(UserPolicySchema, {
          policyId: name,
          name,
          documentJson: JSON.stringify(SYSTEM_POLICIES[name]),
          scopeGlobal: true,
        }),
      ),
    }),
    accountId: account,
    aggregateType: 'user',
    aggregateId: userId,
    occurredAt: at,
  } satisfies EventInput<typeof UserPermissionsChangedSchema>;
}

const accountSnapshot = (accountId: string, version: bigint, frozen: boolean) =>
  ({
    schema: AccountChangedSchema,
    payload: { accountId, name: `a-${accountId.slice(0, 6)}`, frozen, version },
    accountId,
    aggregateType: 'account',
    aggregateId: accountId,
  }) satisfies EventInput<typeof AccountChangedSchema>;

async function started(projection: MemoryIamProjection): Promise<MemoryIamProjectionConsumer> {
  const consumer = new MemoryIamProjectionConsumer({
    kafka,
    projection,
    topicPrefix: prefix,
    name: 'test.memory-iam',
    logger: quiet,
  });
  consumers.push(consumer);
  await consumer.start();
  return consumer;
}

beforeAll(async () => {
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, [Topic.Iam], { prefix, partitions: 3 });
  await admin.disconnect();
  const t0 = Date.now() - 60_000;
  // History on the topic before any consumer exists: the projection must come from replay.
  await producer.publishAll([
    {
      schema: AccountCreatedSchema,
      payload: { accountId: account, name: 'acme' },
      accountId: account,
      aggregateType: 'account',
      aggregateId: account,
    },
    accountSnapshot(account, 1n, false),
    {
      schema: ProjectChangedSchema,
      payload: { projectId: project, accountId: account, region: 'cn-southwest-2', name: 'p' },
      accountId: account,
      projectId: project,
      aggregateType: 'project',
      aggregateId: project,
    },
    userSnapshot(alice, new Date(t0), ['ModelArts CommonOperations']),
    userSnapshot(alice, new Date(t0 + 1_000), ['ModelArts FullAccess']),
    accountSnapshot(frozenAccount, 1n, false),
    accountSnapshot(frozenAccount, 2n, true),
  ]);
  // Bytes that are no envelope, and an envelope saying UserPermissionsChanged around another
  // payload: logged and skipped, never blocking the catch-up.
  const raw = kafka.producer();
  await raw.connect();
  const lying = buildEvent(accountSnapshot(randomUUID(), 1n, true)).envelope;
  lying.type = UserPermissionsChangedSchema.typeName;
  await raw.send({
    topic: topicName(Topic.Iam, prefix),
    messages: [
      { key: 'garbage', value: Buffer.from('not an envelope') },
      { key: 'liar', value: Buffer.from(encodeEnvelope(lying)) },
    ],
  });
  await raw.disconnect();
  // Many more messages, so that replaying takes more than one fetch.
  await producer.publishAll(
    Array.from({ length: 300 }, (_, i) =>
      accountSnapshot(randomUUID(), BigInt(i + 1), i % 2 === 0),
    ),
  );
});

afterAll(async () => {
  for (const c of consumers) await c.stop();
  await producer.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topicName(Topic.Iam, prefix)] }).catch(() => undefined);
  await admin.disconnect();
});

describe('MemoryIamProjection from Kafka', () => {
  it('replays the topic from the beginning: caught up means every snapshot is applied', async () => {
    const projection = new MemoryIamProjection();
    const consumer = await started(projection);
    await consumer.ready;
    expect(consumer.caughtUp).toBe(true);
    // Nothing awaited beyond `ready`: the state is already there.
    expect(projection.isAccountFrozen(frozenAccount)).toBe(true);
    expect(projection.isAccountFrozen(account)).toBe(false);
    expect(projection.accountOfProject(project)).toBe(account);
    const perms = await projection.permissionsOf(account, alice);
    expect(evaluate(perms!.policies, Actions.poolCreate, project)).toBe('allow'); // FullAccess
    expect(projection.size.accounts).toBe(302);
    expect(consumer.stats()).toMatchObject({ malformed: 2, skipped: 1 });
  });

  it('then follows new snapshots; a second replica replays everything on its own', async () => {
    const first = new MemoryIamProjection();
    await (
      await started(first)
    ).ready;
    await producer.publishAll([
      accountSnapshot(account, 2n, true),
      userSnapshot(alice, new Date(), ['ModelArts CommonOperations']),
    ]);
    await eventually(() => first.isAccountFrozen(account), { description: 'the freeze' });
    await eventually(async () => {
      const perms = await first.permissionsOf(account, alice);
      return evaluate(perms!.policies, Actions.poolCreate, project) === 'explicit_deny';
    });

    const second = new MemoryIamProjection();
    const replica = await started(second);
    await replica.ready;
    expect(second.isAccountFrozen(account)).toBe(true);
    expect(second.isAccountFrozen(frozenAccount)).toBe(true);
    const perms = await second.permissionsOf(account, alice);
    expect(evaluate(perms!.policies, Actions.poolCreate, project)).toBe('explicit_deny');
    expect(replica.groupId).not.toBe(consumers[0].groupId);
  });
});
