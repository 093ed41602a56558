import { Logger } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventConsumer } from '@maas/events';
import type { IamProjection } from './iam-projection.js';
import { IamProjectionConsumer, type IamProjectionModuleOptions } from './iam-projection.module.js';

const kafka = {} as Kafka;

function fakeProjection() {
  const consumer = { start: vi.fn(() => Promise.resolve()), stop: vi.fn(() => Promise.resolve()) };
  const projection = {
    consumer: vi.fn(
      (_: { name: string; topicPrefix?: string }) => consumer as unknown as EventConsumer,
    ),
  };
  return { projection, consumer };
}

const options = (consume: boolean): IamProjectionModuleOptions => ({
  config: { IAM_JWKS_URL: 'http://iam/jwks', DB_SCHEMA: 'keys', KAFKA_TOPIC_PREFIX: 't1.' },
  consumerName: 'keys.iam-projection',
  consume,
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('IamProjectionConsumer', () => {
  it('starts the projection consumer with the app and stops it on shutdown', async () => {
    vi.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const { projection, consumer } = fakeProjection();
    const lifecycle = new IamProjectionConsumer(
      projection as unknown as IamProjection,
      kafka,
      options(true),
    );
    lifecycle.onApplicationBootstrap();
    expect(projection.consumer).toHaveBeenCalledWith(
      expect.objectContaining({ kafka, name: 'keys.iam-projection', topicPrefix: 't1.' }),
    );
    await vi.waitFor(() => expect(consumer.start).toHaveBeenCalledOnce());
    await lifecycle.beforeApplicationShutdown();
    expect(consumer.stop).toHaveBeenCalledOnce();
  });

  it('keeps no projection when this process does not consume', async () => {
    const { projection } = fakeProjection();
    const lifecycle = new IamProjectionConsumer(
      projection as unknown as IamProjection,
      kafka,
      options(false),
    );
    lifecycle.onApplicationBootstrap();
    await lifecycle.beforeApplicationShutdown();
    expect(projection.consumer).not.toHaveBeenCalled();
  });
});
