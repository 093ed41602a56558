import {
  type ArgumentsHost,
  BadRequestException,
  HttpException,
  HttpStatus,
  InternalServerErrorException,
  Logger,
  MethodNotAllowedException,
  NotFoundException,
} from '@nestjs/common';
import { IsInt, IsOptional, IsString, Length, Min, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  assertUnreachable,
  createValidationPipe,
  DomainError,
  type ErrorKind,
  MaasExceptionFilter,
  RequestValidationError,
  statusOfKind,
  toErrorResponse,
} from './index.js';

const kinds: [ErrorKind, number][] = [
  ['not_found', 404],
  ['conflict', 409],
  ['forbidden', 403],
  ['unauthorized', 401],
  ['validation', 400],
  ['quota_exceeded', 403],
  ['rate_limited', 429],
  ['unavailable', 503],
];

describe('statusOfKind', () => {
  it.each(kinds)('maps %s to %i', (kind, status) => {
    expect(statusOfKind(kind)).toBe(status);
  });

  it('throws on a kind the types ruled out', () => {
    expect(() => statusOfKind('teapot' as ErrorKind)).toThrow(/Unexpected error kind: "teapot"/);
    expect(() => assertUnreachable('x' as never)).toThrow(/Unexpected value/);
  });
});

describe('toErrorResponse', () => {
  it('maps a domain error to its kind status, code, message and details', () => {
    const error = new DomainError('IAM.0101', 'not_found', 'Account a1 not found', {
      details: { id: 'a1' },
    });
    expect(toErrorResponse(error, 'req-1')).toEqual({
      status: 404,
      body: {
        error_code: 'IAM.0101',
        error_msg: 'Account a1 not found',
        request_id: 'req-1',
        details: { id: 'a1' },
      },
      headers: {},
      unexpected: false,
    });
  });

  it('honours a status override and extra headers', () => {
    const error = new DomainError('ModelArts.81101', 'rate_limited', 'RPM exceeded', {
      headers: { 'retry-after': '3' },
    });
    const quota = new DomainError('ModelArts.81005', 'quota_exceeded', 'used up', { status: 401 });
    expect(toErrorResponse(error, 'r').headers).toEqual({ 'retry-after': '3' });
    expect(toErrorResponse(error, 'r').status).toBe(429);
    expect(toErrorResponse(quota, 'r').status).toBe(401);
  });

  it('maps Nest HTTP exceptions with a MAAS code', () => {
    const notFound = toErrorResponse(new NotFoundException('Cannot GET /nope'), 'r');
    expect(notFound.status).toBe(404);
    expect(notFound.body).toEqual({
      error_code: 'MAAS.0404',
      error_msg: 'Cannot GET /nope',
      request_id: 'r',
    });
    const method = toErrorResponse(new MethodNotAllowedException(), 'r');
    expect([method.status, method.body.error_code]).toEqual([405, 'MAAS.0405']);
    const bad = toErrorResponse(new BadRequestException(['a is bad', 'b is bad']), 'r');
    expect(bad.body.error_code).toBe('MAAS.0400');
    expect(bad.body.error_msg).toBe('a is bad; b is bad');
    expect(bad.body.details).toEqual({ messages: ['a is bad', 'b is bad'] });
  });

  it('hides the text of a framework 5xx', () => {
    const res = toErrorResponse(new InternalServerErrorException('pool exhausted at db-7'), 'r');
    expect(res.status).toBe(500);
    expect(res.unexpected).toBe(true);
    expect(JSON.stringify(res.body)).not.toContain('db-7');
  });

  it('passes through a Fastify client error (invalid JSON)', () => {
    const error = Object.assign(new SyntaxError('Body is not valid JSON'), { statusCode: 400 });
    const res = toErrorResponse(error, 'r');
    expect([res.status, res.body.error_code, res.body.error_msg]).toEqual([
      400,
      'MAAS.0400',
      'Body is not valid JSON',
    ]);
  });

  it('turns an unknown error into a 500 that holds nothing of it', () => {
    const error = new Error('connect to postgres://admin:hunter2@db failed');
    const res = toErrorResponse(error, 'req-9');
    expect(res.status).toBe(500);
    expect(res.unexpected).toBe(true);
    expect(res.body).toEqual({
      error_code: 'MAAS.0500',
      error_msg: 'Internal server error',
      request_id: 'req-9',
    });
    const text = JSON.stringify(res.body);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('postgres');
    expect(text).not.toMatch(/at .*\.ts/);
    expect(toErrorResponse('a thrown string', 'r').status).toBe(500);
  });
});

function fakeHost(requestId: string) {
  const sent: { status?: number; headers: Record<string, string>; body?: unknown } = {
    headers: {},
  };
  const reply = {
    sent: false,
    status(code: number) {
      sent.status = code;
      return reply;
    },
    headers(h: Record<string, string>) {
      Object.assign(sent.headers, h);
      return reply;
    },
    type() {
      return reply;
    },
    send(body: unknown) {
      sent.body = body;
      return reply;
    },
  };
  const host = {
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => ({ id: requestId }), getResponse: () => reply }),
  } as unknown as ArgumentsHost;
  return { host, sent };
}

describe('MaasExceptionFilter', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('answers an unknown error with 500, the request id, and no message or stack', () => {
    const { host, sent } = fakeHost('abc-123');
    const error = new Error('secret internal detail');
    new MaasExceptionFilter().catch(error, host);
    expect(sent.status).toBe(500);
    expect(sent.headers['x-request-id']).toBe('abc-123');
    const text = JSON.stringify(sent.body);
    expect(text).toContain('abc-123');
    expect(text).not.toContain('secret internal detail');
    expect(text).not.toContain(error.stack!.split('\n')[1].trim());
  });

  it('answers a domain error with its status and body', () => {
    const { host, sent } = fakeHost('r2');
    new MaasExceptionFilter().catch(new DomainError('X.1', 'conflict', 'taken'), host);
    expect(sent.status).toBe(HttpStatus.CONFLICT);
    expect(sent.body).toEqual({ error_code: 'X.1', error_msg: 'taken', request_id: 'r2' });
  });

  it('leaves non-HTTP contexts alone', () => {
    const host = { getType: () => 'rpc' } as unknown as ArgumentsHost;
    const error = new HttpException('x', 400);
    expect(() => new MaasExceptionFilter().catch(error, host)).toThrow(error);
  });
});

class Item {
  @IsString()
  model_id!: string;
}

class CreateThing {
  @IsString()
  @Length(1, 8)
  name!: string;

  @IsInt()
  @Min(1)
  count!: number;

  @ValidateNested({ each: true })
  @Type(() => Item)
  items!: Item[];
}

class OptionalThing {
  @IsOptional()
  @IsString()
  note?: string;
}

describe('createValidationPipe', () => {
  const pipe = createValidationPipe();
  const meta = { type: 'body' as const, metatype: CreateThing };

  async function rejection(value: unknown): Promise<RequestValidationError> {
    const error: unknown = await pipe.transform(value, meta).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (error instanceof RequestValidationError) return error;
    throw new Error(`expected a RequestValidationError, got ${String(error)}`);
  }

  it('names each bad field, nested ones with their path', async () => {
    const error = await rejection({
      name: 'far-too-long-name',
      count: 0,
      items: [{ model_id: 3 }],
    });
    expect(error.fields.map((f) => f.field)).toEqual(['name', 'count', 'items.0.model_id']);
    expect(error.message).toMatch(/name must be shorter than or equal to 8 characters/);
    expect(error.message).toMatch(/items\.0\.model_id must be a string/);
    expect(toErrorResponse(error, 'r').status).toBe(400);
    expect(toErrorResponse(error, 'r').body.error_code).toBe('MAAS.0400');
  });

  it('rejects unknown fields', async () => {
    const error = await rejection({ name: 'ok', count: 1, items: [], admin: true });
    expect(error.fields).toEqual([
      { field: 'admin', messages: ['property admin should not exist'] },
    ]);
  });

  it('transforms a valid payload to the DTO class', async () => {
    const value: unknown = await pipe.transform({ name: 'ok', count: 2, items: [] }, meta);
    expect(value).toBeInstanceOf(CreateThing);
  });

  it('requires the body a route declares, even when every field is optional', async () => {
    const optional = { type: 'body' as const, metatype: OptionalThing };
    const missing: unknown = await pipe.transform(undefined, optional).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(RequestValidationError);
    expect((missing as RequestValidationError).fields).toEqual([
      { field: 'body', messages: ['A JSON request body is required'] },
    ]);
    expect(await pipe.transform({}, optional)).toBeInstanceOf(OptionalThing);
  });

  it('names the required fields of a missing body', async () => {
    const error = await rejection(undefined);
    expect(error.fields.map((f) => f.field)).toEqual(['name', 'count']);
  });

  it.each([[null], [5], ['text'], [[{ note: 'x' }]]])(
    'refuses a body that is not a JSON object: %j',
    async (body) => {
      const optional = { type: 'body' as const, metatype: OptionalThing };
      const error: unknown = await pipe.transform(body, optional).catch((e: unknown) => e);
      expect((error as RequestValidationError).fields[0].messages).toEqual([
        'The request body must be a JSON object',
      ]);
    },
  );

  it('leaves query and path parameters alone when absent', async () => {
    const query = { type: 'query' as const, metatype: OptionalThing };
    expect(await pipe.transform(undefined, query)).toBeInstanceOf(OptionalThing);
  });
});
