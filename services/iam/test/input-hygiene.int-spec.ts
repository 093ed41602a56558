// Input hygiene at the edge (@maas/app, SPEC §10): what once answered 500 from input alone —
// NUL reaching PostgreSQL, 10,000 levels of nesting, numbers no column holds — and the
// contract around bodies and methods, on IAM's unauthenticated token route and its admin API.
import { withRoom } from '@maas/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deepJson,
  type EdgeRequest,
  edgeRequest,
  HUGE_NUMBERS,
  NON_JSON_TYPES,
} from '@maas/service-testing';
import { IamWorld, type TestAccount, tokenBody } from './harness.js';

const world = new IamWorld();
let acct: TestAccount;

beforeAll(async () => {
  await world.start();
  acct = await world.account();
});

afterAll(() => world.close());

const send = (request: EdgeRequest) => edgeRequest(world.app, request);
const signIn = (payload: string, contentType?: string) =>
  send({ method: 'POST', url: '/v3/auth/tokens', payload, contentType });

describe('POST /v3/auth/tokens (no token needed)', () => {
  it('refuses NUL and lone surrogates with a 400 naming the field', async () => {
    const nul = await signIn(JSON.stringify(tokenBody(acct.name, 'ro\u0000ot', 'x')));
    expect(nul).toMatchObject({ status: 400, code: 'MAAS.0400' });
    expect(nul.fields).toEqual(['auth.identity.password.user.name']);
    const surrogate = await signIn(
      JSON.stringify(tokenBody(acct.name, acct.name, 'x')).replace('"x"', '"\\ud800"'),
    );
    expect(surrogate.status).toBe(400);
    expect(surrogate.fields).toEqual(['auth.identity.password.user.password']);
  });

  it('refuses 10,000 levels of nesting with a 400, fast', async () => {
    const started = performance.now();
    const res = await signIn(deepJson());
    // Refused at the depth limit, not after walking 10,000 levels (room for a loaded machine).
    expect(performance.now() - started).toBeLessThan(withRoom(1_000));
    expect(res).toMatchObject({
      status: 400,
      message: 'The JSON body is nested deeper than 32 levels',
    });
  });

  it('says what is wrong with a __proto__ key', async () => {
    const res = await signIn('{"auth":{"__proto__":{"admin":true}}}');
    expect(res.status).toBe(400);
    expect(res.message).toContain('auth.__proto__ is not allowed');
    expect(res.message).not.toMatch(/valid JSON/);
  });

  it.each(NON_JSON_TYPES)('answers 415 to a %s body', async (type) => {
    const res = await signIn('auth=x', type);
    expect(res).toMatchObject({ status: 415, code: 'MAAS.0415' });
  });

  it('answers 400 to a missing body, 405 with Allow to other methods', async () => {
    // A missing body is validated as {}: the answer names what is required.
    const missing = await send({ method: 'POST', url: '/v3/auth/tokens' });
    expect(missing).toMatchObject({ status: 400, code: 'MAAS.0400', fields: ['auth'] });
    for (const method of ['TRACE', 'GET', 'PUT', 'DELETE'] as const) {
      const res = await send({ method, url: '/v3/auth/tokens' });
      expect(res).toMatchObject({ status: 405, code: 'MAAS.0405', allow: 'POST' });
    }
  });

  it('still signs in with a well-formed body', async () => {
    const res = await signIn(JSON.stringify(tokenBody(acct.name, acct.name, acct.password)));
    expect(res.status).toBe(201);
  });
});

describe('the admin API', () => {
  it('refuses NUL in a body, path or query parameter before PostgreSQL sees it', async () => {
    const token = acct.token;
    const body = await send({
      method: 'POST',
      url: '/v3/users',
      token,
      payload: JSON.stringify({ name: 'nul\u0000user', password: 'Passw0rd!x' }),
    });
    expect(body).toMatchObject({ status: 400, fields: ['name'] });
    const path = await send({ method: 'GET', url: '/v3/users/a%00b', token });
    expect(path).toMatchObject({ status: 400, fields: ['user_id'] });
    const query = await send({ method: 'GET', url: '/v3/users?name=a%00b', token });
    expect(query).toMatchObject({ status: 400, fields: ['name'] });
  });

  it.each(HUGE_NUMBERS)('refuses %s in a query parameter or a body, naming it', async (n) => {
    const query = await send({ method: 'GET', url: `/v3/users?offset=${n}`, token: acct.token });
    expect(query).toMatchObject({ status: 400, fields: ['offset'] });
    const body = await send({
      method: 'POST',
      url: '/v3/groups',
      token: acct.token,
      payload: `{"name":"g","count":${n}}`,
    });
    expect(body).toMatchObject({ status: 400, fields: ['count'] });
  });

  it('refuses deep nesting and form bodies on an authenticated route too', async () => {
    const deep = await send({
      method: 'POST',
      url: '/v3/users',
      token: acct.token,
      payload: deepJson(),
    });
    expect(deep.status).toBe(400);
    const form = await send({
      method: 'POST',
      url: '/v3/users',
      token: acct.token,
      payload: 'name=a&password=b',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(form.status).toBe(415);
  });

  it('answers 400 to a PATCH without a body, 405 to a method the path lacks', async () => {
    const userId = await world.user(acct.token, `u${Date.now()}`);
    const patch = await send({ method: 'PATCH', url: `/v3/users/${userId}`, token: acct.token });
    expect(patch).toMatchObject({ status: 400, fields: ['body'] });
    const put = await send({ method: 'PUT', url: '/v3/users', token: acct.token });
    expect(put).toMatchObject({ status: 405, allow: 'GET, HEAD, POST' });
    const trace = await send({ method: 'TRACE', url: `/v3/users/${userId}`, token: acct.token });
    expect(trace).toMatchObject({ status: 405, allow: 'GET, HEAD, PATCH, DELETE' });
  });

  it("answers Fastify's own refusals in our body without echoing the URL", async () => {
    const badUrl = await send({
      method: 'GET',
      url: '/v3/users/%E0%A4%A-echo-me',
      token: acct.token,
    });
    expect(badUrl).toMatchObject({ status: 400, code: 'MAAS.0400' });
    expect(badUrl.body).not.toContain('echo-me');
    const long = await send({
      method: 'GET',
      url: `/v3/users/${'z'.repeat(500)}`,
      token: acct.token,
    });
    expect(long).toMatchObject({ status: 414, code: 'MAAS.0414' });
    expect(long.body).not.toContain('zzzz');
  });
});
