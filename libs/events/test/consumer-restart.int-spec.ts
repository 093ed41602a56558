// Consumers that kafkajs gives up on are restarted (RestartingConsumer), on the real broker
// without stopping it: a KafkaFaultProxy plays the broker going away under the group (its
// heartbeat answered "not the coordinator", then the coordinator lookup cut), after which
// kafkajs crashes with "Failed to find group coordinator" and `restart: false` — what left the
// quotas usage ledger dead after a Kafka outage. Each consumer must handle what is published
// afterwards. The same with a real broker stop: consumer-outage.int-spec.ts (opt-in).
import { create } from '@bufbuild/protobuf';
import { eventually, KafkaFaultProxy } from '@maas/testing';
import { type Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthorizationGrantedSchema,
  createKafka,
  EventConsumer,
  EventProducer,
  Topic,
  topicName,
  TopicReplayConsumer,
} from '../src/index.js';
import { World } from './harness.js';

const world = new World();
const proxy = KafkaFaultProxy.to(world.env.KAFKA_BROKERS);
let proxied: Kafka;
let producer: EventProducer;
const consumers: { stop(): Promise<void> }[] = [];

beforeAll(async () => {
  await world.open();
  await proxy.start();
  proxied = createKafka({
    brokers: world.env.KAFKA_BROKERS,
    clientId: `restart-test-${world.schema}`,
    logLevel: logLevel.WARN,
    logger: world.logger,
    socketFactory: proxy.socketFactory,
  });
  producer = new EventProducer({
    kafka: world.kafka,
    topicPrefix: world.prefix,
    logger: world.logger,
  });
});

afterAll(async () => {
  await Promise.allSettled(consumers.map((c) => c.stop()));
  await producer?.disconnect();
  await proxy.stop();
  await world.close();
}, 60_000);

let seq = 0;
function grant(aggregate: string): Promise<unknown> {
  seq += 1;
  return producer.publish({
    schema: AuthorizationGrantedSchema,
    payload: create(AuthorizationGrantedSchema, {
      authorizationId: aggregate,
      accountId: 'acc-1',
      agencyName: `ma_agency_${seq}`,
    }),
    accountId: 'acc-1',
    projectId: 'proj-1',
    aggregateType: 'authorization',
    aggregateId: aggregate,
  });
}

const crashed = () =>
  world.logger.lines.some((l) =>
    l.includes('Crash: KafkaJSNonRetriableError: Failed to find group coordinator'),
  );

describe('a consumer kafkajs gave up on', () => {
  it('EventConsumer: replaced, and handles what is published afterwards', async () => {
    const handled: string[] = [];
    const consumer = new EventConsumer({
      kafka: proxied,
      dataSource: world.dataSource,
      schema: world.schema,
      name: 'restart-inbox',
      topicPrefix: world.prefix,
      logger: world.logger,
    }).on(AuthorizationGrantedSchema, (event) => {
      handled.push(event.payload.agencyName);
      return Promise.resolve();
    });
    consumers.push(consumer);
    world.groups.push(consumer.groupId);
    await consumer.start();
    await grant('inbox-a');
    await eventually(() => handled.length === 1, { description: 'the first event' });

    await proxy.coordinatorGone(consumer.groupId);
    await eventually(() => crashed(), { description: 'kafkajs giving up (restart: false)' });
    await eventually(() => consumer.restarts === 1, {
      timeoutMs: 30_000,
      description: 'the consumer replaced',
    });

    await grant('inbox-a');
    await eventually(() => handled.length === 2, {
      timeoutMs: 30_000,
      description: 'the event published after the crash',
    });
    expect(consumer.stats()).toMatchObject({ handled: 2, duplicates: 0 });
  }, 90_000);

  it('TopicReplayConsumer: replaced, and follows the topic again', async () => {
    const seen: string[] = [];
    const consumer = new TopicReplayConsumer<'granted'>({
      kafka: proxied,
      topic: topicName(Topic.Iam, world.prefix),
      groupName: `${world.prefix}restart-replay`,
      outcomes: ['granted'],
      logger: world.logger,
      onEvent: (envelope) => {
        seen.push(envelope.eventId);
        return 'granted';
      },
    });
    consumers.push(consumer);
    await consumer.start();
    await consumer.ready;
    const before = seen.length;
    await grant('replay-a');
    await eventually(() => seen.length > before, { description: 'a live event' });

    await proxy.coordinatorGone(consumer.groupId);
    await eventually(() => consumer.restarts === 1, {
      timeoutMs: 30_000,
      description: 'the consumer replaced',
    });

    const ids = new Set(seen);
    await grant('replay-a');
    await eventually(() => seen.some((id) => !ids.has(id)), {
      timeoutMs: 30_000,
      description: 'the event published after the crash',
    });
  }, 90_000);
});
