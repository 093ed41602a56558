// Keys' last use keeps being recorded after kafkajs gives up on the consumer: the keys app's
// Kafka connections go through a KafkaFaultProxy, which replays the broker going away under
// the last-used group (heartbeat answered "not the coordinator", then the coordinator lookup
// cut: kafkajs crashes with restart: false). A use published afterwards is recorded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usageRecorded } from '@maas/service-testing';
import { eventually } from '@maas/testing';
import { KeysWorld, type TestAccount } from './harness.js';

const world = new KeysWorld();
const proxy = world.kafkaFaultProxy();
let acct: TestAccount;

beforeAll(async () => {
  await world.start();
  acct = await world.account();
});

afterAll(() => world.close(), 60_000);

async function newKey(tag: string): Promise<string> {
  const res = await world.request('POST', `/v1/${acct.projectId}/api-keys`, acct.rootToken, {
    tag,
    description: 'used below',
  });
  expect(res.statusCode).toBe(201);
  return res.json<{ id: string }>().id;
}

function used(keyId: string): Promise<unknown> {
  return world.producer.publish(usageRecorded(acct, { keyId, model: 'm', totalTokens: 3 }));
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
