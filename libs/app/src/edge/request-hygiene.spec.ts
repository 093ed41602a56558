import { request as httpRequest } from 'node:http';
import { type AddressInfo } from 'node:net';
import { Body, Controller, Delete, Get, Module, Param, Patch, Post, Query } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Min } from 'class-validator';
import { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFastifyAdapter, ObservabilityModule } from '@maas/observability';
import { errorHandlingProviders } from '../app-module.js';
import { setupApp } from '../setup-app.js';
import { INPUT_HYGIENE_OFF } from './request-hygiene.js';

class PageQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;

  @IsOptional()
  @IsString()
  q?: string;
}

class CreateThing {
  @IsString()
  name!: string;

  @IsOptional()
  @IsInt()
  size?: number;
}

class UpdateThing {
  @IsOptional()
  @IsString()
  name?: string;
}

@Controller('things')
class ThingsController {
  @Get()
  list(@Query() query: PageQuery) {
    return { offset: query.offset ?? 0 };
  }

  @Get(':id')
  show(@Param('id') id: string) {
    return { id };
  }

  @Post()
  create(@Body() body: CreateThing) {
    return body;
  }

  @Patch(':id')
  update(@Param('id') id: string, @Body() body: UpdateThing) {
    return { id, ...body };
  }

  @Delete(':id')
  remove() {
    return undefined;
  }
}

@Module({
  imports: [ObservabilityModule.forRoot({ service: 'probe', level: 'silent' })],
  controllers: [ThingsController],
  providers: errorHandlingProviders(),
})
class ProbeModule {}

/** Small enough to exceed cheaply, large enough for 10,000 levels of nesting (20 kB). */
const BODY_LIMIT = 64 * 1024;
let app: NestFastifyApplication;

beforeAll(async () => {
  const moduleRef = await Test.createTestingModule({ imports: [ProbeModule] }).compile();
  app = moduleRef.createNestApplication<NestFastifyApplication>(createFastifyAdapter(), {
    logger: false,
  });
  setupApp(app, { title: 't', description: 'd', apiKeyHeaders: [] }, { bodyLimit: BODY_LIMIT });
  // A plain Fastify route with its own parser and error format, exempted from the checks.
  const fastify: FastifyInstance = app.getHttpAdapter().getInstance();
  await fastify.register((scope, _options, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, next) =>
      next(null, body),
    );
    scope.post('/raw/:id', { config: INPUT_HYGIENE_OFF }, (request) => ({
      id: (request.params as { id: string }).id,
      bytes: (request.body as Buffer).length,
    }));
    done();
  });
  await app.listen(0, '127.0.0.1');
});

afterAll(() => app?.close());

interface ErrorJson {
  error_code: string;
  error_msg: string;
  request_id: string;
  details?: { fields?: { field: string; messages: string[] }[] };
}

function send(
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE' | 'TRACE' | 'OPTIONS',
  url: string,
  payload?: string,
  contentType = 'application/json',
): Promise<LightMyRequestResponse> {
  return app.inject({
    method,
    url,
    ...(payload === undefined ? {} : { payload, headers: { 'content-type': contentType } }),
  });
}

/** The answer is our error body with this status and code, for this request id. */
function expectError(res: LightMyRequestResponse, status: number, code: string): ErrorJson {
  expect(res.statusCode, res.body).toBe(status);
  const body = res.json<ErrorJson>();
  expect(body.error_code).toBe(code);
  expect(body.request_id).toBe(res.headers['x-request-id']);
  return body;
}

function fieldsOf(body: ErrorJson): string[] {
  return (body.details?.fields ?? []).map((f) => f.field);
}

describe('JSON bodies', () => {
  it('accepts JSON, with or without a charset', async () => {
    expect((await send('POST', '/things', '{"name":"a","size":2}')).statusCode).toBe(201);
    const res = await send('POST', '/things', '{"name":"b"}', 'application/json; charset=utf-8');
    expect(res.json()).toEqual({ name: 'b' });
  });

  it('refuses 10,000 levels of nesting with a 400, fast', async () => {
    const deep = `{"name":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    const started = performance.now();
    const body = expectError(await send('POST', '/things', deep), 400, 'MAAS.0400');
    expect(performance.now() - started).toBeLessThan(500);
    expect(body.error_msg).toBe('The JSON body is nested deeper than 32 levels');
  });

  it('refuses a body over the size limit with a 413 while it arrives', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(BODY_LIMIT) });
    const body = expectError(await send('POST', '/things', big), 413, 'MAAS.0413');
    expect(body.error_msg).not.toContain('xxxx');
  });

  it('says what is wrong with a reserved key instead of "not valid JSON"', async () => {
    for (const key of ['__proto__', 'constructor']) {
      const res = await send('POST', '/things', `{"name":"a","${key}":{"admin":true}}`);
      const body = expectError(res, 400, 'MAAS.0400');
      expect(body.error_msg).toContain(`${key} is not allowed`);
      expect(body.error_msg).not.toMatch(/valid JSON/);
    }
  });

  it('refuses NUL and lone surrogates in any string, naming the field', async () => {
    const nul = expectError(
      await send('POST', '/things', '{"name":"a\\u0000b"}'),
      400,
      'MAAS.0400',
    );
    expect(fieldsOf(nul)).toEqual(['name']);
    expect(nul.error_msg).toContain('name must not contain NUL');
    const surrogate = await send('PATCH', '/things/1', '{"name":"\\udc00"}');
    expect(fieldsOf(expectError(surrogate, 400, 'MAAS.0400'))).toEqual(['name']);
  });

  it('refuses numbers no column holds, naming the field', async () => {
    for (const size of ['9223372036854775807', '1e20', '-1e300']) {
      const res = await send('POST', '/things', `{"name":"a","size":${size}}`);
      expect(fieldsOf(expectError(res, 400, 'MAAS.0400'))).toEqual(['size']);
    }
  });

  it('refuses text that is not JSON or not UTF-8 without echoing it', async () => {
    const res = await send('POST', '/things', '{"name": secret-text}');
    expect(expectError(res, 400, 'MAAS.0400').error_msg).toBe('The request body is not valid JSON');
    expect(res.body).not.toContain('secret-text');
    const latin1 = await app.inject({
      method: 'POST',
      url: '/things',
      headers: { 'content-type': 'application/json' },
      payload: Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d]),
    });
    expect(expectError(latin1, 400, 'MAAS.0400').error_msg).toMatch(/not valid UTF-8/);
  });

  it.each(['application/x-www-form-urlencoded', 'text/plain', 'application/xml'])(
    'answers 415 to a %s body',
    async (type) => {
      const res = await send('POST', '/things', 'name=a', type);
      const body = expectError(res, 415, 'MAAS.0415');
      expect(body.error_msg).toBe('Send the request body as application/json');
    },
  );

  it('answers 415 to a body without a content type', async () => {
    // light-my-request adds no content type to a string payload.
    const res = await app.inject({ method: 'POST', url: '/things', payload: '{"name":"a"}' });
    expectError(res, 415, 'MAAS.0415');
  });

  it('requires the body a route declares', async () => {
    // Where fields are required, the answer names them; where none is, the body.
    for (const [method, url, fields] of [
      ['POST', '/things', ['name']],
      ['PATCH', '/things/1', ['body']],
    ] as const) {
      const body = expectError(await send(method, url), 400, 'MAAS.0400');
      expect(fieldsOf(body)).toEqual(fields);
      expect(fieldsOf(expectError(await send(method, url, ''), 400, 'MAAS.0400'))).toEqual(fields);
    }
    expect((await send('PATCH', '/things/1', '{}')).statusCode).toBe(200);
    expectError(await send('PATCH', '/things/1', '[]'), 400, 'MAAS.0400');
  });
});

describe('path and query parameters', () => {
  it('refuses NUL in a query or path parameter, naming it', async () => {
    const query = expectError(await send('GET', '/things?q=a%00b'), 400, 'MAAS.0400');
    expect(fieldsOf(query)).toEqual(['q']);
    const path = expectError(await send('GET', '/things/a%00b'), 400, 'MAAS.0400');
    expect(fieldsOf(path)).toEqual(['id']);
  });

  it.each(['9223372036854775807', '1e20'])('refuses offset=%s naming it', async (offset) => {
    const body = expectError(await send('GET', `/things?offset=${offset}`), 400, 'MAAS.0400');
    expect(fieldsOf(body)).toEqual(['offset']);
    expect(body.error_msg).toContain('offset must be a number between');
  });

  it('accepts ordinary parameters', async () => {
    expect((await send('GET', '/things?offset=20&q=x')).json()).toEqual({ offset: 20 });
  });
});

describe('methods', () => {
  it.each([
    ['TRACE', '/things', 'GET, HEAD, POST'],
    ['PUT', '/things', 'GET, HEAD, POST'],
    ['OPTIONS', '/things/7', 'GET, HEAD, PATCH, DELETE'],
    ['POST', '/things/7', 'GET, HEAD, PATCH, DELETE'],
  ] as const)('answers 405 to %s %s with Allow', async (method, url, allow) => {
    const res = await send(method, url);
    expectError(res, 405, 'MAAS.0405');
    expect(res.headers.allow).toBe(allow);
  });

  it('answers 405 before looking at the body', async () => {
    const res = await send('PUT', '/things', 'a=b', 'text/plain');
    expectError(res, 405, 'MAAS.0405');
  });

  it('still answers 404 to a path no method has', async () => {
    expectError(await send('TRACE', '/nothing'), 404, 'MAAS.0404');
    expectError(await send('GET', '/nothing'), 404, 'MAAS.0404');
  });
});

describe('a route exempted with INPUT_HYGIENE_OFF', () => {
  it('gets its body and parameters as sent', async () => {
    const res = await send('POST', '/raw/a%00b', 'x=1', 'text/plain');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id: 'a\u0000b', bytes: 3 });
  });
});

describe("Fastify's own errors", () => {
  it('answers a URL that does not decode with our 400, without echoing it', async () => {
    const res = await send('GET', '/things/%E0%A4%A-marker');
    expect(expectError(res, 400, 'MAAS.0400').error_msg).toMatch(/not valid/);
    expect(res.body).not.toContain('marker');
  });

  it('answers a path parameter over the length limit with our 414, without echoing it', async () => {
    const res = await send('GET', `/things/${'m'.repeat(200)}`);
    expectError(res, 414, 'MAAS.0414');
    expect(res.body).not.toContain('mmmm');
  });

  it('answers headers too large with our 431 (Node refuses them before Fastify)', async () => {
    const { port } = app.getHttpServer().address() as AddressInfo;
    const answer = await new Promise<{ status?: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port, path: '/things', headers: { 'x-big': 'h'.repeat(20_000) } },
        (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(answer.status).toBe(431);
    expect(JSON.parse(answer.body)).toMatchObject({ error_code: 'MAAS.0431' });
    expect(answer.body).not.toContain('hhhh');
  });
});
