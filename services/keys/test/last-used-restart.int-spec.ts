// Keys' last use keeps being recorded after kafkajs gives up on the consumer: the keys app's
// Kafka connections go through a KafkaFaultProxy, which replays the broker going away under
// the last-used group (heartbeat answered "not the coordinator", then the coordinator lookup
// cut: kafkajs crashes with restart: false). A use published afterwards is recorded.
import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { type InjectionToken } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka, UsageRecordedSchema } from '@maas/events';
import { KAFKA } from '@maas/nest-events';
import { eventually, KafkaFaultProxy, quiet } from '@maas/testing';
import { KeysWorld, stack, type TestAccount } from './harness.js';

const proxy = KafkaFaultProxy.to(stack.KAFKA_BROKERS);

/** The keys app with every Kafka connection through the proxy. */
class ProxiedKeysWorld extends KeysWorld {
  protected override overrides(): [InjectionToken, unknown][] {
    const kafka = createKafka({
      brokers: stack.KAFKA_BROKERS,
      clientId: `keys-${this.schema}`,
      logger: quiet,
      socketFactory: proxy.socketFactory,
    });
    return [...super.overrides(), [KAFKA, kafka]];
  }
}

const world = new ProxiedKeysWorld();
let acct: TestAccount;

beforeAll(async () => {
  await proxy.start();
  await world.start();
  acct = await world.account();
});

afterAll(async () => {
  await world.close();
  await proxy.stop();
}, 60_000);

async function newKey(tag: string): Promise<string> {
  const res = await world.request('POST', `/v1/${acct.projectId}/api-keys`, acct.rootToken, {
    tag,
    description: 'used below',
  });
  expect(res.statusCode).toBe(201);
  return res.json<{ id: string }>().id;
}

function used(keyId: string): Promise<unknown> {
  return world.producer.publish({
    schema: UsageRecordedSchema,
    payload: create(UsageRecordedSchema, {
      requestId: randomUUID(),
      keyId,
      model: 'm',
      totalTokens: 3,
    }),
    accountId: acct.id,
    projectId: acct.projectId,
    aggregateType: 'request',
    aggregateId: randomUUID(),
  });
}

async function lastUsed(keyId: string): Promise<string | null> {
  const res = await world.request('GET', `/v1/${acct.projectId}/api-keys/${keyId}`, acct.rootToken);
  return res.json<{ last_used_at: string | null }>().last_used_at;
}

describe('last use after kafkajs gave up on its consumer', () => {
  it('is recorded for a use published afterwards', async () => {
    const before = await newKey('before');
    await used(before);
    await eventually(async () => (await lastUsed(before)) !== null, {
      description: 'the first use recorded',
    });

    await proxy.coordinatorGone(`${world.prefix}keys.last-used`);

    const after = await newKey('after');
    await used(after);
    await eventually(async () => (await lastUsed(after)) !== null, {
      timeoutMs: 45_000,
      description: 'the use published after the crash recorded',
    });
    expect(world.logs.join('')).toContain('consumer restarted');
  }, 90_000);
});
