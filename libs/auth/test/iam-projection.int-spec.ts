// A service's projection of IAM, fed by real snapshot events through real Kafka into real
// PostgreSQL: permissions, project ownership and ModelArts authorization follow the latest
// snapshot; an older snapshot never overwrites a newer one.
import { randomUUID } from 'node:crypto';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { create } from '@bufbuild/protobuf';
import {
  ALL_TOPICS,
  createKafka,
  ensureTopics,
  EventProducer,
  type EventConsumer,
  outboxMigration,
  ProjectChangedSchema,
  topicName,
  UserPermissionsChangedSchema,
  UserPolicySchema,
} from '@maas/events';
import { eventually, loadStackEnv, uniqueName, uniqueTopicPrefix } from '@maas/testing';
import { logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Actions } from '../src/policy/actions.js';
import { evaluate } from '../src/policy/policy.js';
import { SYSTEM_POLICIES } from '../src/policy/system-policies.js';
import { IamProjection } from '../src/projection/iam-projection.js';
import { iamProjectionMigration } from '../src/projection/iam-projection.schema.js';

const env = loadStackEnv();
const schema = uniqueName('iamproj');
const prefix = uniqueTopicPrefix('t');
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const kafka = createKafka({
  brokers: env.KAFKA_BROKERS,
  clientId: schema,
  logLevel: logLevel.ERROR,
  logger: quiet,
});
const dataSource = new DataSource({ type: 'postgres', url: env.DATABASE_URL, poolSize: 4 });
const producer = new EventProducer({ kafka, topicPrefix: prefix, logger: quiet });
const CONSUMER = 'test.iam-projection';
let projection: IamProjection;
let consumer: EventConsumer;

const account = randomUUID();
const otherAccount = randomUUID();
const project = randomUUID();

function userSnapshot(
  userId: string,
  opts: {
    policies?: (keyof typeof SYSTEM_POLICIES)[];
    authorized?: boolean;
    until?: Date;
    deleted?: boolean;
    at: Date;
  },
) {
  return {
    schema: UserPermissionsChangedSchema,
    payload: create(UserPermissionsChangedSchema, {
      accountId: account,
      userId,
      userName: `u-${userId.slice(0, 4)}`,
      deleted: opts.deleted ?? false,
      modelartsAuthorized: opts.authorized ?? false,
      ...(opts.until ? { modelartsAuthorizedUntil: timestampFromDate(opts.until) } : {}),
      policies: (opts.policies ?? []).map((name) =>
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
    occurredAt: opts.at,
  };
}

beforeAll(async () => {
  await dataSource.initialize();
  await dataSource.query(`CREATE SCHEMA "${schema}"`);
  for (const sql of [...outboxMigration(schema).up, ...iamProjectionMigration(schema).up]) {
    await dataSource.query(sql);
  }
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, ALL_TOPICS, { prefix, partitions: 3 });
  await admin.disconnect();
  projection = new IamProjection({ dataSource, schema });
  consumer = projection.consumer({
    kafka,
    name: CONSUMER,
    topicPrefix: prefix,
    logger: quiet,
  });
  await consumer.start();
});

afterAll(async () => {
  await consumer?.stop();
  await producer.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteGroups([consumer.groupId]).catch(() => undefined);
  await admin
    .deleteTopics({ topics: ALL_TOPICS.map((t) => topicName(t, prefix)) })
    .catch(() => undefined);
  await admin.disconnect();
  await dataSource.query(`DROP SCHEMA "${schema}" CASCADE`);
  await dataSource.destroy();
});

/** Whether the projection's consumer has handled (and committed) the event. */
async function handled(eventId: string): Promise<boolean> {
  const rows: unknown[] = await dataSource.query(
    `SELECT 1 FROM "${schema}".inbox WHERE consumer = $1 AND event_id = $2`,
    [CONSUMER, eventId],
  );
  return rows.length === 1;
}

describe('IamProjection', () => {
  it('follows project snapshots: ownership per account, gone when deleted', async () => {
    const at = new Date();
    await producer.publish({
      schema: ProjectChangedSchema,
      payload: create(ProjectChangedSchema, {
        projectId: project,
        accountId: account,
        region: 'cn-southwest-2',
        name: 'cn-southwest-2',
      }),
      accountId: account,
      aggregateType: 'project',
      aggregateId: project,
      occurredAt: at,
    });
    await eventually(() => projection.projectBelongsTo(project, account), {
      description: 'the project',
    });
    expect(await projection.projectBelongsTo(project, otherAccount)).toBe(false);
    expect(await projection.projectBelongsTo('not-a-uuid', account)).toBe(false);
    // Operator routes have no caller: the project names its account.
    expect(await projection.accountOfProject(project)).toBe(account);
    expect(await projection.accountOfProject(randomUUID())).toBeUndefined();
    expect(await projection.accountOfProject('not-a-uuid')).toBeUndefined();
  });

  it('serves the latest permissions snapshot to the guard’s evaluation', async () => {
    const user = randomUUID();
    const t0 = Date.now();
    await producer.publish(
      userSnapshot(user, { policies: ['ModelArts CommonOperations'], at: new Date(t0) }),
    );
    const perms = await eventually(async () => {
      const p = await projection.permissionsOf(account, user);
      if (!p) throw new Error('not projected yet');
      return p;
    });
    expect(evaluate(perms.policies, Actions.poolCreate, project)).toBe('explicit_deny');
    expect(evaluate(perms.policies, Actions.serviceCreate, project)).toBe('allow');
    expect(await projection.permissionsOf(otherAccount, user)).toBeUndefined();

    // Upgraded to FullAccess; then a stale, older snapshot arrives and must not win.
    await producer.publish(
      userSnapshot(user, { policies: ['ModelArts FullAccess'], at: new Date(t0 + 1000) }),
    );
    await eventually(async () => {
      const p = await projection.permissionsOf(account, user);
      return evaluate(p!.policies, Actions.poolCreate, project) === 'allow';
    });
    const stale = await producer.publish(
      userSnapshot(user, { policies: [], at: new Date(t0 + 500) }),
    );
    // The consumer writes an event's inbox row in the transaction that runs its handler, so
    // once the stale event's row is there the projection has applied it: only then is
    // "the newer snapshot still holds" evidence that the older one lost.
    await eventually(() => handled(stale.envelope.eventId), { description: 'the stale snapshot' });
    const after = await projection.permissionsOf(account, user);
    expect(evaluate(after!.policies, Actions.poolCreate, project)).toBe('allow');

    await producer.publish(userSnapshot(user, { deleted: true, at: new Date(t0 + 2000) }));
    await eventually(async () => (await projection.permissionsOf(account, user)) === undefined);
  });

  it('knows who may deploy: authorized, unexpired', async () => {
    const yes = randomUUID();
    const expired = randomUUID();
    const no = randomUUID();
    const at = new Date();
    await producer.publishAll([
      userSnapshot(yes, { authorized: true, at }),
      userSnapshot(expired, { authorized: true, until: new Date(Date.now() - 60_000), at }),
      userSnapshot(no, { authorized: false, at }),
    ]);
    await eventually(async () => (await projection.permissionsOf(account, no)) !== undefined);
    await eventually(async () => (await projection.permissionsOf(account, expired)) !== undefined);
    await eventually(() => projection.isModelArtsAuthorized(account, yes));
    expect(await projection.isModelArtsAuthorized(account, expired)).toBe(false);
    expect(await projection.isModelArtsAuthorized(account, no)).toBe(false);
  });
});
