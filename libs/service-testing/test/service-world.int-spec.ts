// The harness itself on the real stack: an app per world that sees what tests send, the
// world's topics, rows and Redis keys under its own names, and nothing of them left after
// close.
import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { Body, Controller, Get, Headers, Module, Post } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Redis } from 'ioredis';
import { type DestinationStream } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyChangedSchema, createKafka, parseEvent, Topic } from '@maas/events';
import { ObservabilityModule } from '@maas/observability';
import { eventually, quiet, withDb } from '@maas/testing';
import { type RawMessage, ServiceTestWorld } from '../src/index.js';

@Controller('probe')
class ProbeController {
  @Get()
  headers(@Headers() headers: Record<string, string>) {
    return {
      token: headers['x-auth-token'] ?? null,
      operator: headers['x-operator-token'] ?? null,
    };
  }

  @Post()
  echo(@Body() body: unknown) {
    return body;
  }
}

class ProbeWorld extends ServiceTestWorld {
  configured = false;

  constructor() {
    super('probe', { redis: true });
  }

  protected appModule(logDestination: DestinationStream) {
    @Module({
      imports: [ObservabilityModule.forRoot({ service: 'probe', destination: logDestination })],
      controllers: [ProbeController],
    })
    class ProbeModule {}
    return { module: ProbeModule };
  }

  protected configure(_app: NestFastifyApplication): void {
    this.configured = true;
  }
}

const world = new ProbeWorld();
let messages: RawMessage[];
let closed = false;

beforeAll(async () => {
  await world.start();
  await world.ensureTopics([Topic.Keys]);
  messages = await world.collectRaw(Topic.Keys);
});

describe('ServiceTestWorld', () => {
  it('starts the configured app, sends tokens and headers, and captures its logs', async () => {
    expect(world.configured).toBe(true);
    expect((await world.request('GET', '/probe', 'tok-1')).json()).toEqual({
      token: 'tok-1',
      operator: null,
    });
    const withHeaders = await world.request('GET', '/probe', {
      token: 'tok-2',
      headers: { 'x-operator-token': 'op' },
    });
    expect(withHeaders.json()).toEqual({ token: 'tok-2', operator: 'op' });
    expect((await world.request('POST', '/probe', undefined, { a: 1 })).json()).toEqual({ a: 1 });
    expect((await world.request('POST', '/probe', { body: { b: 2 } })).json()).toEqual({ b: 2 });
    await eventually(() => world.logs.some((line) => line.includes('"service":"probe"')));
  });

  it('gives the app its own names: schema, topic prefix, Redis prefix', () => {
    expect(world.schema).toMatch(/^probe_/);
    expect(world.redisPrefix).toBe(world.schema);
    expect(world.topicNameOf(Topic.Keys)).toBe(`${world.prefix}maas.keys.v1`);
  });

  it('publishes on its topics and reads them back from the beginning', async () => {
    const keyId = randomUUID();
    await world.producer.publish({
      schema: ApiKeyChangedSchema,
      payload: create(ApiKeyChangedSchema, { keyId, accountId: 'a', projectId: 'p', version: 1n }),
      accountId: 'a',
      aggregateType: 'api_key',
      aggregateId: keyId,
    });
    await eventually(() => messages.some((m) => m.key === keyId), { timeoutMs: 20_000 });
    const message = messages.find((m) => m.key === keyId)!;
    expect(parseEvent(message.value!).aggregateId).toBe(keyId);
  });

  it('drops its schema, topics, consumer groups and Redis keys at close', async () => {
    await withDb((db) => db.query(`CREATE SCHEMA "${world.schema}"`));
    await withDb((db) => db.query(`CREATE TABLE "${world.schema}".t (n int)`));
    await withDb((db) => db.query(`INSERT INTO "${world.schema}".t VALUES (7)`));
    expect(await world.rows(`SELECT n FROM "${world.schema}".t`)).toEqual([{ n: 7 }]);
    const redis = new Redis(world.stack.REDIS_URL);
    const admin = createKafka({
      brokers: world.stack.KAFKA_BROKERS,
      clientId: 'service-world-test',
      logger: quiet,
    }).admin();
    await admin.connect();
    try {
      await redis.set(`${world.redisPrefix}:probe`, '1');
      await world.close();
      closed = true;
      const schemas = await withDb((db) =>
        db.query('SELECT to_regnamespace($1) AS ns', [world.schema]),
      );
      expect(schemas.rows[0].ns).toBeNull();
      expect((await admin.listTopics()).filter((t) => t.startsWith(world.prefix))).toEqual([]);
      const groups = (await admin.listGroups()).groups.map((g) => g.groupId);
      expect(groups.filter((g) => g.startsWith(world.prefix))).toEqual([]);
      expect(await redis.keys(`${world.redisPrefix}:*`)).toEqual([]);
    } finally {
      redis.disconnect();
      await admin.disconnect();
    }
  });
});

afterAll(async () => {
  // close ran in the last test; a failed test before it still cleans up.
  if (!closed) await world.close();
});
