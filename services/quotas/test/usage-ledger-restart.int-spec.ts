// The usage ledger keeps counting after kafkajs gives up on its consumer: the quotas app's
// Kafka connections go through a KafkaFaultProxy, which replays the broker going away under
// the ledger's group (heartbeat answered "not the coordinator", then the coordinator lookup
// cut: kafkajs crashes with restart: false, as it did after a real Kafka outage). Usage
// published afterwards is counted. The same with a real broker stop:
// libs/events/test/consumer-outage.int-spec.ts (opt-in).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usageRecorded } from '@maas/service-testing';
import { eventually } from '@maas/testing';
import { ConsumersService } from '../src/consumers.service.js';
import { UsageLedgerConsumer } from '../src/usage/usage-ledger.consumer.js';
import { QuotasWorld, type TestAccount } from './harness.js';

const world = new QuotasWorld();
const proxy = world.kafkaFaultProxy();
let acct: TestAccount;

beforeAll(async () => {
  await world.start();
  acct = await world.account();
});

afterAll(() => world.close(), 60_000);

const ledger = () => world.app.get(ConsumersService).ledgerStats();

function usage(): Promise<unknown> {
  return world.producer.publish(
    usageRecorded(acct, {
      keyId: randomUUID(),
      serviceId: 'svc-1',
      model: 'own-model',
      promptTokens: 3,
      completionTokens: 4,
      totalTokens: 7,
    }),
  );
}

describe('usage ledger after kafkajs gave up on its consumer', () => {
  it('is restarted and counts the usage published afterwards', async () => {
    await usage();
    await eventually(() => ledger()?.recorded === 1, { description: 'the first event counted' });

    await proxy.coordinatorGone(`${world.prefix}${UsageLedgerConsumer.NAME}`);
    await eventually(() => ledger()?.restarts === 1, {
      timeoutMs: 30_000,
      description: 'the ledger consumer replaced',
    });

    await usage();
    await usage();
    await eventually(() => ledger()?.recorded === 3, {
      timeoutMs: 30_000,
      description: 'usage after the crash counted',
    });
    const [row] = await world.rows<{ requests: string }>(
      `SELECT sum(requests) AS requests FROM "${world.schema}".usage_minute WHERE account_id = $1`,
      [acct.id],
    );
    expect(Number(row.requests)).toBe(3);
  }, 90_000);
});
