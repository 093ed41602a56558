import { loadStackEnv, uniqueTopicPrefix } from '@maas/testing';
import { type Admin, ConfigResourceTypes, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka, ensureTopics, Topic, topicName } from '../src/index.js';
import { MemoryLogger } from './harness.js';

const prefix = uniqueTopicPrefix('t');
const kafka = createKafka({
  brokers: loadStackEnv().KAFKA_BROKERS,
  clientId: 'events-topics-test',
  logLevel: logLevel.WARN,
  logger: new MemoryLogger(),
});
let admin: Admin;

beforeAll(async () => {
  admin = kafka.admin();
  await admin.connect();
});

afterAll(async () => {
  const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
  if (mine.length > 0) await admin.deleteTopics({ topics: mine });
  await admin.disconnect();
});

describe('ensureTopics', () => {
  it('creates the missing topics once, with per-topic configs', async () => {
    const specs = [Topic.Iam, { topic: Topic.Keys, configs: { 'cleanup.policy': 'compact' } }];

    const created = await ensureTopics(admin, specs, { prefix, partitions: 3 });
    expect(created.sort()).toEqual(
      [topicName(Topic.Iam, prefix), topicName(Topic.Keys, prefix)].sort(),
    );
    expect(await ensureTopics(admin, specs, { prefix })).toEqual([]);

    const { topics } = await admin.fetchTopicMetadata({ topics: created });
    expect(topics.map((t) => t.partitions.length)).toEqual([3, 3]);
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: created.map((name) => ({
        type: ConfigResourceTypes.TOPIC,
        name,
        configNames: ['cleanup.policy'],
      })),
    });
    const policy = Object.fromEntries(
      resources.map((r) => [r.resourceName, r.configEntries[0]?.configValue]),
    );
    expect(policy).toEqual({
      [topicName(Topic.Iam, prefix)]: 'delete',
      [topicName(Topic.Keys, prefix)]: 'compact',
    });
  });
});
