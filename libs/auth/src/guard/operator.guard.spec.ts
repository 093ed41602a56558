import { Controller, Get, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MaasExceptionFilter } from '@maas/errors';
import {
  OPERATOR_SCHEME,
  OperatorAuthModule,
  type OperatorAuthOptions,
  OperatorOnly,
} from './operator.guard.js';
import { RequestId } from './request-context.js';

const TOKEN = 'operator-token-for-the-unit-test-0123';

@OperatorOnly()
@Controller('ops')
class OpsController {
  @Get()
  run(@RequestId() requestId: string) {
    return { ok: true, requestId };
  }
}

async function appWith(options: OperatorAuthOptions): Promise<NestFastifyApplication> {
  @Module({
    imports: [OperatorAuthModule.forRoot(options)],
    controllers: [OpsController],
    providers: [{ provide: APP_FILTER, useClass: MaasExceptionFilter }],
  })
  class OpsModule {}
  const moduleRef = await Test.createTestingModule({ imports: [OpsModule] }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
    logger: false,
  });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

let enabled: NestFastifyApplication;
let disabled: NestFastifyApplication;

const get = (app: NestFastifyApplication, token?: string) =>
  app.inject({ method: 'GET', url: '/ops', headers: token ? { 'x-operator-token': token } : {} });

beforeAll(async () => {
  enabled = await appWith({ token: TOKEN });
  disabled = await appWith({ token: undefined, disabledHint: 'use the bootstrap command' });
});

afterAll(async () => {
  await Promise.all([enabled?.close(), disabled?.close()]);
});

describe('OperatorGuard', () => {
  it('lets the operator token through', async () => {
    const res = await get(enabled, TOKEN);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ ok: true, requestId: expect.any(String) });
  });

  it('answers 401 IAM.0104 without the token or with a wrong one (a tenant token is neither)', async () => {
    for (const token of [undefined, 'guess-guess-guess-guess-guess', `${TOKEN}x`]) {
      const res = await get(enabled, token);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({
        error_code: 'IAM.0104',
        error_msg: 'The X-Operator-Token header is missing or wrong',
      });
    }
  });

  it('answers 403 IAM.0103 when no operator token is configured, even to a guess', async () => {
    for (const token of [undefined, TOKEN]) {
      const res = await get(disabled, token);
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({
        error_code: 'IAM.0103',
        error_msg: 'The operator API is disabled: set OPERATOR_TOKEN, or use the bootstrap command',
      });
    }
  });

  it('documents the route with the X-Operator-Token scheme and its 401/403', () => {
    const document = SwaggerModule.createDocument(enabled, new DocumentBuilder().build());
    const operation = document.paths['/ops'].get!;
    expect(operation.security).toEqual([{ [OPERATOR_SCHEME]: [] }]);
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['401', '403']));
  });
});
