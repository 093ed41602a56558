import { Logger } from '@nestjs/common';
import { type Admin, type Kafka } from 'kafkajs';
import { type DataSource } from 'typeorm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type * as Events from '@maas/events';
import { type OutboxRelay, Topic } from '@maas/events';
import {
  ensureServiceTopics,
  type OutboxModuleOptions,
  OutboxRelayService,
} from './outbox.module.js';

const relay = { start: vi.fn(() => Promise.resolve()), stop: vi.fn(() => Promise.resolve()) };

vi.mock('@maas/events', async (importOriginal) => ({
  ...(await importOriginal<typeof Events>()),
  createOutboxRelay: vi.fn(() => relay as unknown as OutboxRelay),
}));

/** A Kafka whose admin fails `failures` times to connect, then lists no topics. */
function fakeKafka(failures: number) {
  let connects = 0;
  const created: unknown[] = [];
  const admin = {
    connect: vi.fn(() =>
      ++connects <= failures ? Promise.reject(new Error('broker down')) : Promise.resolve(),
    ),
    disconnect: vi.fn(() => Promise.resolve()),
    listTopics: vi.fn(() => Promise.resolve([])),
    createTopics: vi.fn((request: { topics: unknown[] }) => {
      created.push(...request.topics);
      return Promise.resolve(true);
    }),
  };
  const kafka = { admin: () => admin as unknown as Admin } as unknown as Kafka;
  return { kafka, admin, created };
}

const options = (relayOn = true): OutboxModuleOptions => ({
  config: {
    DB_SCHEMA: 'keys',
    KAFKA_TOPIC_PREFIX: 't1.',
    KAFKA_TOPIC_PARTITIONS: 6,
    KAFKA_REPLICATION_FACTOR: 3,
    OUTBOX_RELAY: relayOn,
  },
  topics: [{ topic: Topic.Keys, configs: { 'cleanup.policy': 'compact' } }],
});

const dataSource = {} as DataSource;

beforeEach(() => {
  vi.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
});

afterEach(() => {
  vi.restoreAllMocks();
  relay.start.mockClear();
  relay.stop.mockClear();
});

describe('ensureServiceTopics', () => {
  it('creates the missing topics with the configured prefix, partitions and replication', async () => {
    const { kafka, admin, created } = fakeKafka(0);
    expect(await ensureServiceTopics(kafka, options())).toEqual(['t1.maas.keys.v1']);
    expect(created).toEqual([
      {
        topic: 't1.maas.keys.v1',
        numPartitions: 6,
        replicationFactor: 3,
        configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
      },
    ]);
    expect(admin.disconnect).toHaveBeenCalledOnce();
  });

  it('disconnects the admin client when it fails', async () => {
    const { kafka, admin } = fakeKafka(1);
    await expect(ensureServiceTopics(kafka, options())).rejects.toThrow('broker down');
    expect(admin.disconnect).toHaveBeenCalledOnce();
  });
});

describe('OutboxRelayService', () => {
  it('starts the relay at once and ensures the topics in the background, retrying', async () => {
    const { kafka, created } = fakeKafka(1);
    const service = new OutboxRelayService(dataSource, kafka, options());
    await service.onApplicationBootstrap();
    expect(relay.start).toHaveBeenCalledOnce();
    await vi.waitFor(() => expect(created).toHaveLength(1), { timeout: 5_000 });
    expect(Logger.prototype.warn).toHaveBeenCalledWith(
      expect.objectContaining({
        msg: 'cannot ensure topics; retrying',
        err: expect.objectContaining({ message: 'broker down' }),
      }),
    );
    await service.beforeApplicationShutdown();
    expect(relay.stop).toHaveBeenCalledOnce();
  });

  it('stops retrying on shutdown', async () => {
    const { kafka, admin } = fakeKafka(Number.POSITIVE_INFINITY);
    const service = new OutboxRelayService(dataSource, kafka, options());
    await service.onApplicationBootstrap();
    await service.beforeApplicationShutdown();
    const attempts = admin.connect.mock.calls.length;
    expect(attempts).toBe(1);
    expect(relay.stop).toHaveBeenCalledOnce();
  });

  it('does nothing without OUTBOX_RELAY', async () => {
    const { kafka, admin } = fakeKafka(0);
    const service = new OutboxRelayService(dataSource, kafka, options(false));
    await service.onApplicationBootstrap();
    await service.beforeApplicationShutdown();
    expect(relay.start).not.toHaveBeenCalled();
    expect(admin.connect).not.toHaveBeenCalled();
  });
});
