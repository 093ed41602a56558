import { Controller, Get, Logger as NestLogger, Param } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createFastifyAdapter,
  Logger,
  loggerOptions,
  maskUrlCredentials,
  ObservabilityModule,
  requestIdFor,
} from './index.js';

/** A pino destination that keeps every line. */
function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      callback();
    },
  });
  return { stream, lines, text: () => lines.join('\n') };
}

describe('loggerOptions', () => {
  it('redacts tokens, cookies, passwords and keys', () => {
    const out = capture();
    const log = pino(loggerOptions({ service: 'iam' }), out.stream);
    log.info(
      {
        req: {
          headers: {
            authorization: 'Bearer tok-authz',
            'x-auth-token': 'tok-auth',
            'x-subject-token': 'tok-subject',
            'x-apig-appcode': 'tok-appcode',
            'x-operator-token': 'tok-operator',
            cookie: 'sid=tok-cookie',
            accept: 'application/json',
          },
        },
        body: { password: 'pw-1', api_key: 'key-1', nested: { secret: 'sec-1' } },
        token: 'tok-top',
      },
      'hello',
    );
    const text = out.text();
    for (const secret of ['tok-', 'pw-1', 'key-1', 'sec-1']) expect(text).not.toContain(secret);
    const line = JSON.parse(out.lines[0]);
    expect(line).toMatchObject({ level: 'info', service: 'iam', msg: 'hello' });
    expect(line.req.headers).toMatchObject({
      authorization: '[redacted]',
      accept: 'application/json',
    });
  });
});

describe('error serialization', () => {
  it('keeps the message and stack but masks passwords inside URLs', () => {
    const out = capture();
    const log = pino(loggerOptions({ service: 'iam' }), out.stream);
    log.error({ err: new Error('connect postgres://admin:hunter2@db:5432/iam failed') }, 'boom');
    const line = JSON.parse(out.lines[0]);
    expect(line.err.message).toBe('connect postgres://admin:[redacted]@db:5432/iam failed');
    expect(line.err.stack).toMatch(/observability\.spec\.ts/);
    expect(out.text()).not.toContain('hunter2');
    expect(maskUrlCredentials('redis://:pw@h:1 and amqp://u:p@x')).toBe(
      'redis://:[redacted]@h:1 and amqp://u:[redacted]@x',
    );
  });

  it('logs an err given as a string as its message, masked, not one field per character', () => {
    const out = capture();
    const log = pino(loggerOptions({ service: 'keys' }), out.stream);
    log.warn({ err: 'KafkaJSConnectionError: kafka://u:hunter2@k:9092 refused' }, 'retrying');
    const line = JSON.parse(out.lines[0]);
    expect(line.err).toEqual({
      message: 'KafkaJSConnectionError: kafka://u:[redacted]@k:9092 refused',
    });
    expect(out.text()).not.toContain('hunter2');
  });
});

describe('requestIdFor', () => {
  it('keeps a sane x-request-id and replaces anything else with a UUID', () => {
    expect(requestIdFor({ headers: { 'x-request-id': 'abc-123.X_y:z' } })).toBe('abc-123.X_y:z');
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    expect(requestIdFor({ headers: {} })).toMatch(uuid);
    expect(requestIdFor({ headers: { 'x-request-id': 'bad id\n{"level":60}' } })).toMatch(uuid);
    expect(requestIdFor({ headers: { 'x-request-id': 'a'.repeat(200) } })).toMatch(uuid);
  });
});

@Controller('things')
class ThingsController {
  private readonly logger = new NestLogger('Things');

  @Get(':id')
  get(@Param('id') id: string) {
    this.logger.log({ msg: 'getting thing', thing: id });
    return { id };
  }
}

describe('ObservabilityModule', () => {
  let app: NestFastifyApplication;
  const logs = capture();

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ObservabilityModule.forRoot({ service: 'test', destination: logs.stream })],
      controllers: [ThingsController],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(createFastifyAdapter(), {
      bufferLogs: true,
    });
    app.useLogger(app.get(Logger));
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app?.close());

  it('logs each request as JSON with its request id, echoed to the client, secrets redacted', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/things/42',
      headers: { 'x-request-id': 'trace-me-1', 'x-auth-token': 'tok-in-header' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-request-id']).toBe('trace-me-1');
    const mine = logs.lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.request_id === 'trace-me-1');
    expect(mine.map((l) => l.msg)).toEqual(['getting thing', 'request completed']);
    expect(mine[0]).toMatchObject({ service: 'test', context: 'Things', thing: '42' });
    expect(logs.text()).not.toContain('tok-in-header');
  });

  it('gives a request without an id a fresh one, on 404s too', async () => {
    const res = await app.inject({ method: 'GET', url: '/nowhere' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('exposes an HTTP histogram labelled by route pattern at /metrics', async () => {
    await app.inject({ method: 'GET', url: '/things/7' });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.body).toMatch(
      /http_request_duration_seconds_bucket\{le="0\.005",service="test",method="GET",route="\/things\/:id",status_code="200"\} \d+/,
    );
    const counter = res.body.split('\n').find((l) => l.startsWith('http_requests_total{'));
    expect(counter).toMatch(/route="\/things\/:id"/);
    expect(counter).toMatch(/status_code="200"/);
    expect(counter).toMatch(/ [2-9]$/);
    expect(res.body).toContain('route="unmatched",status_code="404"');
    expect(res.body).not.toContain('/things/7');
    expect(res.body).toContain('process_cpu_user_seconds_total');
  });
});
