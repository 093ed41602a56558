import { generateKeyPairSync } from 'node:crypto';
import { Controller, Get, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import { MaasExceptionFilter } from '@maas/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Actions } from '../policy/actions.js';
import type { ScopedPolicy } from '../policy/policy.js';
import { SYSTEM_POLICIES } from '../policy/system-policies.js';
import { loadSigningKey, TokenSigner } from '../token/token-signer.js';
import { TokenVerifier } from '../token/token-verifier.js';
import { IamGuard } from './iam.guard.js';
import { AUTH_TOKEN_SCHEME, Guarded, ProjectGuarded } from './openapi.decorators.js';
import { PERMISSION_SOURCE, type PermissionSource, TOKEN_VERIFIER } from './permission-source.js';
import {
  Ctx,
  ProjectCtx,
  type ProjectRequestContext,
  type RequestContext,
} from './request-context.js';
import { Authenticated, Public, RequireAction } from './require-action.decorator.js';

@Controller()
class ProbeController {
  @Get('/v1/:project_id/pools/new')
  @RequireAction(Actions.poolCreate)
  createPool() {
    return { ok: true };
  }

  @Get('/v1/:project_id/services')
  @RequireAction(Actions.serviceList)
  listServices() {
    return { ok: true };
  }

  @Get('/open')
  @Public()
  open() {
    return { ok: true };
  }

  @Get('/v1/:project_id/me')
  @Authenticated()
  me() {
    return { ok: true };
  }

  @Get('/v1/:project_id/whoami')
  @Guarded(Actions.serviceList, 'Who am I', 'The caller.')
  whoami(@Ctx() ctx: RequestContext) {
    return { userId: ctx.caller.userId, requestId: ctx.requestId };
  }

  @Get('/v1/:project_id/where')
  @ProjectGuarded(Actions.serviceList, 'Where am I')
  where(@ProjectCtx() ctx: ProjectRequestContext) {
    return { userId: ctx.caller.userId, projectId: ctx.projectId, requestId: ctx.requestId };
  }

  @Get('/undeclared')
  undeclared() {
    return { ok: true };
  }
}

/** In-memory fake of our own PermissionSource. */
class FakePermissions implements PermissionSource {
  policies = new Map<string, ScopedPolicy[]>();
  projects = new Map<string, string>([
    ['p-a', 'acc-a'],
    ['p-b', 'acc-b'],
  ]);
  permissionsOf(_account: string, userId: string) {
    const policies = this.policies.get(userId);
    return Promise.resolve(policies ? { policies } : undefined);
  }
  projectBelongsTo(projectId: string, accountId: string) {
    return Promise.resolve(this.projects.get(projectId) === accountId);
  }
}

const global = { kind: 'global' } as const;
let app: NestFastifyApplication;
let signer: TokenSigner;
const perms = new FakePermissions();

const tokenFor = async (
  userId: string,
  extra: { root?: boolean; projectId?: string; accountId?: string } = {},
) =>
  (
    await signer.issue({
      accountId: extra.accountId ?? 'acc-a',
      accountName: 'a',
      userId,
      userName: userId,
      root: extra.root ?? false,
      ...(extra.projectId ? { projectId: extra.projectId } : {}),
    })
  ).token;

const get = (url: string, token?: string) =>
  app.inject({ method: 'GET', url, headers: token ? { 'x-auth-token': token } : {} });

beforeAll(async () => {
  const pem = generateKeyPairSync('ed25519')
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
  signer = new TokenSigner(await loadSigningKey(pem, 'k1'), 600);
  @Module({
    controllers: [ProbeController],
    providers: [
      { provide: TOKEN_VERIFIER, useValue: TokenVerifier.local(signer.jwks()) },
      { provide: PERMISSION_SOURCE, useValue: perms },
      { provide: APP_GUARD, useClass: IamGuard },
      { provide: APP_FILTER, useClass: MaasExceptionFilter },
    ],
  })
  class ProbeModule {}
  const moduleRef = await Test.createTestingModule({ imports: [ProbeModule] }).compile();
  app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
    logger: false,
  });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  perms.policies.set('common', [
    { document: SYSTEM_POLICIES['ModelArts CommonOperations'], scope: global },
  ]);
  perms.policies.set('full', [
    { document: SYSTEM_POLICIES['ModelArts FullAccess'], scope: global },
  ]);
  perms.policies.set('nothing', []);
});

afterAll(async () => {
  await app.close();
});

describe('IamGuard', () => {
  it('401 without a token, and for a garbage token', async () => {
    const res = await get('/v1/p-a/services');
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error_code: 'IAM.0001' });
    expect((await get('/v1/p-a/services', 'garbage')).json()).toMatchObject({
      error_code: 'IAM.0002',
    });
  });

  it('CommonOperations may list services but not create pools; FullAccess may', async () => {
    const common = await tokenFor('common');
    expect((await get('/v1/p-a/services', common)).statusCode).toBe(200);
    const denied = await get('/v1/p-a/pools/new', common);
    expect(denied.statusCode).toBe(403);
    expect(denied.json()).toMatchObject({
      error_code: 'IAM.0003',
      error_msg: "Policy doesn't allow modelarts:pool:create to be performed.",
    });
    expect((await get('/v1/p-a/pools/new', await tokenFor('full'))).statusCode).toBe(200);
  });

  it('denies a user with no policies, allows the root user', async () => {
    expect((await get('/v1/p-a/services', await tokenFor('nothing'))).statusCode).toBe(403);
    expect((await get('/v1/p-a/services', await tokenFor('unknown-user'))).statusCode).toBe(403);
    expect(
      (await get('/v1/p-a/pools/new', await tokenFor('root', { root: true }))).statusCode,
    ).toBe(200);
  });

  it('lets any valid token call an @Authenticated route, still checking the project', async () => {
    const nothing = await tokenFor('nothing');
    expect((await get('/v1/p-a/me', nothing)).statusCode).toBe(200);
    expect((await get('/v1/p-a/me')).statusCode).toBe(401);
    expect((await get('/v1/p-b/me', nothing)).statusCode).toBe(404);
  });

  it("404 for another account's project, even for a root user", async () => {
    const res = await get('/v1/p-b/services', await tokenFor('root', { root: true }));
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error_code: 'IAM.0004' });
  });

  it('a project-scoped token works only in its project', async () => {
    perms.projects.set('p-a2', 'acc-a');
    const scoped = await tokenFor('full', { projectId: 'p-a' });
    expect((await get('/v1/p-a/services', scoped)).statusCode).toBe(200);
    expect((await get('/v1/p-a2/services', scoped)).statusCode).toBe(404);
  });

  it('public routes need no token; undeclared routes are refused', async () => {
    expect((await get('/open')).statusCode).toBe(200);
    expect((await get('/undeclared', await tokenFor('full'))).statusCode).toBe(403);
  });

  it('Guarded requires its action and documents it; Ctx hands the caller and request id over', async () => {
    const ok = await get('/v1/p-a/whoami', await tokenFor('common'));
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ userId: 'common', requestId: expect.any(String) });
    expect((await get('/v1/p-a/whoami', await tokenFor('nothing'))).statusCode).toBe(403);
    const document = SwaggerModule.createDocument(app, new DocumentBuilder().build());
    const operation = document.paths['/v1/{project_id}/whoami'].get!;
    expect(operation.summary).toBe('Who am I');
    expect(operation.description).toBe(
      'The caller.\n\nRequires the action `modelarts:service:list`.',
    );
    expect(operation.security).toEqual([{ [AUTH_TOKEN_SCHEME]: [] }]);
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['401', '403']));
  });

  it('ProjectGuarded also documents the 404; ProjectCtx hands the path project over too', async () => {
    const ok = await get('/v1/p-a/where', await tokenFor('common'));
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({
      userId: 'common',
      projectId: 'p-a',
      requestId: expect.any(String),
    });
    expect((await get('/v1/p-b/where', await tokenFor('common'))).statusCode).toBe(404);
    expect((await get('/v1/p-a/where', await tokenFor('nothing'))).statusCode).toBe(403);
    const document = SwaggerModule.createDocument(app, new DocumentBuilder().build());
    const operation = document.paths['/v1/{project_id}/where'].get!;
    expect(operation.description).toBe('Requires the action `modelarts:service:list`.');
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['401', '403', '404']));
  });
});
