import { Controller, Get, Logger as NestLogger, Param } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFastifyAdapter, Logger, ObservabilityModule } from './index.js';

// Its own file: nestjs-pino keeps its root logger in module state, one app per file.

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

@Controller('things')
class ThingsController {
  private readonly logger = new NestLogger('Things');

  @Get(':id')
  get(@Param('id') id: string) {
    this.logger.log({ msg: 'getting thing', thing: id });
    return { id };
  }
}

@Controller('v1/things')
class HotThingsController {
  @Get(':id')
  get(@Param('id') id: string) {
    return { id };
  }
}

describe('ObservabilityModule excludeRoutes', () => {
  let app: NestFastifyApplication;
  const logs = capture();
  const rawSawLogger: boolean[] = [];

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ObservabilityModule.forRoot({
          service: 'test',
          destination: logs.stream,
          excludeRoutes: ['/v1/'],
        }),
      ],
      controllers: [ThingsController, HotThingsController],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(createFastifyAdapter(), {
      bufferLogs: true,
    });
    app.useLogger(app.get(Logger));
    // A raw Fastify route, as the gateway's inference routes are.
    app
      .getHttpAdapter()
      .getInstance()
      .post('/v1/raw', (request, reply) => {
        rawSawLogger.push('allLogs' in request.raw); // what pino-http adds to a request
        void reply.send({ ok: true });
      });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app?.close());

  const linesOf = (id: string) =>
    logs.lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.request_id === id);

  it('skips the HTTP logger under an excluded prefix, raw routes included, keeping request ids', async () => {
    const raw = await app.inject({
      method: 'POST',
      url: '/v1/raw',
      headers: { 'x-request-id': 'hot-raw-1' },
      payload: {},
    });
    expect(raw.statusCode).toBe(200);
    expect(raw.headers['x-request-id']).toBe('hot-raw-1');
    expect(rawSawLogger).toEqual([false]); // pino-http never ran: no child logger
    const nest = await app.inject({ method: 'GET', url: '/v1/things/1?x=1' });
    expect(nest.statusCode).toBe(200);
    expect(nest.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(linesOf('hot-raw-1')).toEqual([]);
    expect(logs.text()).not.toContain('/v1/things/1');
  });

  it('still logs every other route', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/things/3',
      headers: { 'x-request-id': 'cold-1' },
    });
    expect(res.statusCode).toBe(200);
    await app.inject({ method: 'POST', url: '/v1/raw', payload: {} });
    expect(rawSawLogger.at(-1)).toBe(false);
    expect(linesOf('cold-1').map((l) => l.msg)).toEqual(['getting thing', 'request completed']);
  });
});
