// Consumers resume after a real Kafka outage: the stack's broker is stopped for 30 s and
// started again; events published afterwards reach every consumer. Whether kafkajs gives up
// on a consumer (a crash with restart: false, which left the quotas usage ledger dead) depends
// on where the broker's shutdown catches its group; the hand-written batch consumers here
// heartbeat every 300 ms to make that likely, and the test reports how many were replaced.
// The deterministic version of the fault, without stopping the broker: consumer-restart.int-spec.ts.
// Opt-in (it stops the shared broker; other tests running meanwhile see the outage):
// MAAS_TEST_OUTAGE=1 npx vitest run --project integration libs/events/test/consumer-outage.int-spec.ts
import { create } from '@bufbuild/protobuf';
import { eventually } from '@maas/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthorizationGrantedSchema,
  EventConsumer,
  EventProducer,
  kafkaSession,
  RestartingConsumer,
  Topic,
  topicName,
  TopicReplayConsumer,
} from '../src/index.js';
import { stack, World } from './harness.js';

const enabled = process.env.MAAS_TEST_OUTAGE === '1';
const OUTAGE_MS = 30_000;
const BATCH_CONSUMERS = 6;

const world = new World();
let producer: EventProducer;
let inbox: EventConsumer;
let replay: TopicReplayConsumer<'seen'>;
const batchConsumers: RestartingConsumer[] = [];
/** Agency names seen by each consumer ('inbox', 'replay', 'batch-<i>'). */
const seen = new Map<string, Set<string>>();
let kafkaStopped = false;

const see = (consumer: string, name: string) => {
  const names = seen.get(consumer) ?? new Set<string>();
  names.add(name);
  seen.set(consumer, names);
};

function grant(name: string): Promise<unknown> {
  return producer.publish({
    schema: AuthorizationGrantedSchema,
    payload: create(AuthorizationGrantedSchema, {
      authorizationId: 'outage',
      accountId: 'acc-1',
      agencyName: name,
    }),
    accountId: 'acc-1',
    projectId: 'proj-1',
    aggregateType: 'authorization',
    aggregateId: 'outage',
  });
}

/** A hand-written batch consumer shaped like the usage ledger, on RestartingConsumer. */
function batchConsumer(i: number): RestartingConsumer {
  const groupId = `${world.prefix}outage-batch-${i}`;
  world.groups.push(groupId);
  return new RestartingConsumer({
    name: groupId,
    logger: world.logger,
    open: (onFatalCrash) =>
      kafkaSession(
        world.kafka.consumer({
          groupId,
          maxWaitTimeInMs: 500,
          sessionTimeout: 10_000,
          heartbeatInterval: 300,
        }),
        { topics: [topicName(Topic.Iam, world.prefix)], fromBeginning: true },
        {
          eachBatchAutoResolve: false,
          eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
            for (const message of batch.messages) {
              if (message.value) see(`batch-${i}`, message.value.toString('latin1'));
              resolveOffset(message.offset);
            }
            await heartbeat();
          },
        },
        onFatalCrash,
      ),
  });
}

/** True when every consumer has seen a message containing `name`. */
function everyoneSaw(name: string): boolean {
  const consumers = ['inbox', 'replay', ...batchConsumers.map((_, i) => `batch-${i}`)];
  return consumers.every((c) => [...(seen.get(c) ?? [])].some((v) => v.includes(name)));
}

beforeAll(async () => {
  if (!enabled) return;
  await world.open();
  producer = new EventProducer({
    kafka: world.kafka,
    topicPrefix: world.prefix,
    logger: world.logger,
  });
  inbox = new EventConsumer({
    kafka: world.kafka,
    dataSource: world.dataSource,
    schema: world.schema,
    name: 'outage-inbox',
    topicPrefix: world.prefix,
    logger: world.logger,
  }).on(AuthorizationGrantedSchema, (event) => {
    see('inbox', event.payload.agencyName);
    return Promise.resolve();
  });
  world.groups.push(inbox.groupId);
  replay = new TopicReplayConsumer<'seen'>({
    kafka: world.kafka,
    topic: topicName(Topic.Iam, world.prefix),
    groupName: `${world.prefix}outage-replay`,
    outcomes: ['seen'],
    logger: world.logger,
    onEvent: (_envelope, message) => {
      see('replay', message.value?.toString('latin1') ?? '');
      return 'seen';
    },
  });
  for (let i = 0; i < BATCH_CONSUMERS; i++) batchConsumers.push(batchConsumer(i));
  await Promise.all([inbox.start(), replay.start(), ...batchConsumers.map((c) => c.start())]);
}, 60_000);

afterAll(async () => {
  if (!enabled) return;
  // Whatever happened, leave the shared stack's Kafka running.
  if (kafkaStopped) await stack('up', 'kafka');
  await Promise.allSettled([inbox?.stop(), replay?.stop(), ...batchConsumers.map((c) => c.stop())]);
  await producer?.disconnect();
  await world.close();
}, 240_000);

describe.skipIf(!enabled)('consumers after a 30 s Kafka outage', () => {
  it('consume what is published once the broker is back', async () => {
    await grant('before_outage');
    await eventually(() => everyoneSaw('before_outage'), {
      timeoutMs: 30_000,
      description: 'every consumer to see the first event',
    });

    kafkaStopped = true;
    await stack('down', 'kafka');
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS)); // the outage itself
    await stack('up', 'kafka');
    kafkaStopped = false;

    await eventually(
      async () => {
        await grant('after_outage');
        return true;
      },
      { timeoutMs: 60_000, intervalMs: 1_000, description: 'a publish after the restart' },
    );
    await eventually(() => everyoneSaw('after_outage'), {
      timeoutMs: 120_000,
      intervalMs: 500,
      description: 'every consumer to see the event published after the outage',
    });
    const restarts =
      inbox.restarts + replay.restarts + batchConsumers.reduce((n, c) => n + c.restarts, 0);
    const gaveUp = world.logger.lines.filter((l) => l.includes('will not restart it')).length;
    process.stderr.write(
      `consumer-outage: kafkajs gave up on ${gaveUp} consumer(s); ${restarts} replaced by RestartingConsumer\n`,
    );
    expect(restarts).toBeGreaterThanOrEqual(gaveUp > 0 ? 1 : 0);
  }, 300_000);
});
