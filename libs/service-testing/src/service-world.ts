import { type DynamicModule, type InjectionToken } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { type Consumer, type EachMessagePayload, type Kafka, logLevel } from 'kafkajs';
import { Redis } from 'ioredis';
import { type DestinationStream } from 'pino';
import {
  createKafka,
  ensureTopics,
  EventProducer,
  type Topic,
  topicName,
  type TopicSpec,
} from '@maas/events';
import { KAFKA } from '@maas/nest-events';
import { createFastifyAdapter } from '@maas/observability';
import {
  KafkaFaultProxy,
  loadStackEnv,
  quiet,
  uniqueName,
  uniqueTopicPrefix,
  withDb,
} from '@maas/testing';

type Json = Record<string, unknown>;
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A response with its JSON body typed loosely (tests read what they assert). */
export interface Reply {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
  json: <T = Json>() => T;
}

export interface RequestOptions {
  /** Sent as X-Auth-Token. */
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A raw message of a topic, as any consumer sees it (value null = tombstone). */
export interface RawMessage {
  key: string;
  value: Buffer | null;
  partition: number;
  receivedAt: number;
}

export interface ServiceTestWorldOptions {
  /**
   * The app keeps keys in Redis under `redisPrefix` (e.g. as its BULLMQ_PREFIX): stackEnv()
   * gives it REDIS_URL, and close deletes those keys.
   */
  redis?: boolean;
}

/**
 * One isolated service per test file on the real stack: its own PostgreSQL schema, Kafka
 * topic prefix and (optionally) Redis key prefix, so files never see each other's rows,
 * messages or keys; the app built from the service's AppModule with every log line it
 * writes captured, and helpers to drive it. `close` drops the schema, the prefixed topics
 * and consumer groups, and the prefixed Redis keys.
 *
 * A service's harness extends it with what builds its app (appModule, configure) and the
 * helpers of its domain.
 */
export abstract class ServiceTestWorld {
  readonly stack = loadStackEnv();
  readonly schema: string;
  readonly prefix = uniqueTopicPrefix('t');
  /** The prefix of the app's Redis keys (`<redisPrefix>:…`), with the redis option. */
  readonly redisPrefix: string;
  readonly logs: string[] = [];
  /** Consumer groups to delete at close besides the prefixed ones. */
  readonly groups: string[] = [];
  readonly kafka: Kafka;
  /** Publishes events on this world's topics, as another service would. */
  readonly producer: EventProducer;
  app!: NestFastifyApplication;
  private readonly consumers: Consumer[] = [];
  private faultProxy?: KafkaFaultProxy;

  /** `service` names the schema, e.g. `keys` → keys_<time>_<random>. */
  constructor(
    service: string,
    private readonly worldOptions: ServiceTestWorldOptions = {},
  ) {
    this.schema = uniqueName(service);
    this.redisPrefix = this.schema;
    this.kafka = createKafka({
      brokers: this.stack.KAFKA_BROKERS,
      clientId: `test-${this.schema}`,
      logLevel: logLevel.ERROR,
      logger: quiet,
    });
    this.producer = new EventProducer({
      kafka: this.kafka,
      topicPrefix: this.prefix,
      logger: quiet,
    });
  }

  /** The service's root module for this world (its logs to `logDestination`). */
  protected abstract appModule(logDestination: DestinationStream): DynamicModule;

  /** What the service's main.ts does to the app before it starts (its configureApp). */
  protected abstract configure(app: NestFastifyApplication): void;

  /** Work before the app starts (e.g. topics it consumes). */
  protected beforeStart(): Promise<void> {
    return Promise.resolve();
  }

  /** Providers the test replaces (e.g. the token verifier). */
  protected overrides(): [InjectionToken, unknown][] {
    return [];
  }

  /**
   * Puts every Kafka connection of the app through a KafkaFaultProxy (started with the app,
   * stopped at close), to replay a broker fault under one of its consumer groups without
   * stopping the shared broker. Call before `start`.
   */
  kafkaFaultProxy(): KafkaFaultProxy {
    this.faultProxy ??= KafkaFaultProxy.to(this.stack.KAFKA_BROKERS);
    return this.faultProxy;
  }

  /** The settings every service takes from the stack and this world. */
  protected stackEnv(): Record<string, string> {
    return {
      DATABASE_URL: this.stack.DATABASE_URL,
      KAFKA_BROKERS: this.stack.KAFKA_BROKERS,
      DB_SCHEMA: this.schema,
      KAFKA_TOPIC_PREFIX: this.prefix,
      LOG_LEVEL: 'debug',
      ...(this.worldOptions.redis ? { REDIS_URL: this.stack.REDIS_URL } : {}),
    };
  }

  async start(): Promise<this> {
    await this.beforeStart();
    const logDestination = { write: (line: string) => void this.logs.push(line) };
    let builder = Test.createTestingModule({ imports: [this.appModule(logDestination)] });
    for (const [token, value] of this.overrides()) {
      builder = builder.overrideProvider(token).useValue(value);
    }
    if (this.faultProxy) {
      await this.faultProxy.start();
      const { socketFactory } = this.faultProxy;
      const kafka = createKafka({
        brokers: this.stack.KAFKA_BROKERS,
        clientId: `app-${this.schema}`,
        logger: quiet,
        socketFactory,
      });
      builder = builder.overrideProvider(KAFKA).useValue(kafka);
    }
    const moduleRef = await builder.compile();
    this.app = moduleRef.createNestApplication<NestFastifyApplication>(createFastifyAdapter(), {
      bufferLogs: true,
    });
    this.configure(this.app);
    await this.app.init();
    await this.app.getHttpAdapter().getInstance().ready();
    return this;
  }

  /**
   * Tears the world down: the app, then its topics and groups, schema and Redis keys. Every
   * step runs even when an earlier one failed (a failed app close must not leave the schema
   * behind); the failures are thrown together at the end.
   */
  async close(): Promise<void> {
    await Promise.allSettled(this.consumers.map((c) => c.disconnect()));
    const steps: (() => Promise<unknown>)[] = [
      () => this.app?.close() ?? Promise.resolve(),
      () => this.producer.disconnect(),
      () => this.dropKafkaState(),
      () => withDb((db) => db.query(`DROP SCHEMA IF EXISTS "${this.schema}" CASCADE`)),
      () => (this.worldOptions.redis ? this.dropRedisKeys() : Promise.resolve()),
      () => this.faultProxy?.stop() ?? Promise.resolve(),
    ];
    const failures: unknown[] = [];
    for (const step of steps) await step().catch((error: unknown) => failures.push(error));
    if (failures.length > 0) throw new AggregateError(failures, 'test world teardown failed');
  }

  private async dropKafkaState(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const prefixed = (await admin.listGroups()).groups
        .map((g) => g.groupId)
        .filter((g) => g.startsWith(this.prefix));
      const groups = [...new Set([...prefixed, ...this.groups])];
      if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
      const topics = (await admin.listTopics()).filter((t) => t.startsWith(this.prefix));
      if (topics.length > 0) await admin.deleteTopics({ topics });
    } finally {
      await admin.disconnect();
    }
  }

  private async dropRedisKeys(): Promise<void> {
    const redis = new Redis(this.stack.REDIS_URL);
    try {
      const keys = await redis.keys(`${this.redisPrefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
  }

  /** A topic's name in this world. */
  topicNameOf(topic: Topic): string {
    return topicName(topic, this.prefix);
  }

  /** Creates topics of this world (3 partitions unless a spec says otherwise). */
  async ensureTopics(topics: readonly (Topic | TopicSpec)[]): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(admin, topics, { prefix: this.prefix, partitions: 3 });
    } finally {
      await admin.disconnect();
    }
  }

  /** A request to the app; the token (if any) goes in X-Auth-Token. */
  request(method: Method, url: string, token?: string, body?: unknown): Promise<Reply>;
  request(method: Method, url: string, options?: RequestOptions): Promise<Reply>;
  async request(
    method: Method,
    url: string,
    tokenOrOptions?: string | RequestOptions,
    body?: unknown,
  ): Promise<Reply> {
    const options =
      typeof tokenOrOptions === 'object' ? tokenOrOptions : { token: tokenOrOptions, body };
    const { token, headers = {} } = options;
    return this.app.inject({
      method,
      url,
      headers: { ...(token ? { 'x-auth-token': token } : {}), ...headers },
      ...(options.body === undefined ? {} : { payload: options.body as Json }),
    });
  }

  rows<T = Json>(sql: string, params: unknown[] = []): Promise<T[]> {
    return withDb(async (db) => (await db.query(sql, params)).rows as T[]);
  }

  /**
   * Reads topics of this world from the beginning with a fresh consumer group (deleted at
   * close), handing every message to `eachMessage` as it arrives.
   */
  async subscribe(
    topics: readonly string[],
    eachMessage: (payload: EachMessagePayload) => void,
  ): Promise<void> {
    const groupId = `${this.prefix}collector-${this.groups.length}`;
    this.groups.push(groupId);
    const consumer = this.kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
    this.consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({
      eachMessage: (payload) => {
        eachMessage(payload);
        return Promise.resolve();
      },
    });
  }

  /** Every message of a topic from the beginning, tombstones included; fills as they come. */
  async collectRaw(topic: Topic): Promise<RawMessage[]> {
    const out: RawMessage[] = [];
    await this.subscribe([this.topicNameOf(topic)], ({ message, partition }) => {
      out.push({
        key: message.key?.toString() ?? '',
        value: message.value,
        partition,
        receivedAt: Date.now(),
      });
    });
    return out;
  }
}
