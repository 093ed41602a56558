// Input hygiene at the edge (@maas/app, SPEC §10) on the keys service: NUL, deep nesting,
// numbers no column holds, non-JSON bodies, missing bodies and unsupported methods answer a
// clear 4xx in our error body, never a 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deepJson,
  type EdgeRequest,
  edgeRequest,
  HUGE_NUMBERS,
  NON_JSON_TYPES,
} from '@maas/service-testing';
import { KeysWorld, type TestAccount } from './harness.js';

const world = new KeysWorld();
let acct: TestAccount;
let base: string;

beforeAll(async () => {
  await world.start();
  acct = await world.account();
  base = `/v1/${acct.projectId}/api-keys`;
});

afterAll(() => world.close());

const send = (request: Omit<EdgeRequest, 'token'>) =>
  edgeRequest(world.app, { ...request, token: acct.rootToken });

describe('the keys API', () => {
  it('refuses NUL and lone surrogates in the body, path and query, naming the field', async () => {
    const nul = await send({
      method: 'POST',
      url: base,
      payload: JSON.stringify({ tag: 'a\u0000b', description: 'nul' }),
    });
    expect(nul).toMatchObject({ status: 400, code: 'MAAS.0400', fields: ['tag'] });
    const surrogate = await send({
      method: 'POST',
      url: base,
      payload: '{"tag":"ok","description":"\\udfff"}',
    });
    expect(surrogate).toMatchObject({ status: 400, fields: ['description'] });
    expect(await send({ method: 'GET', url: `${base}/k%00` })).toMatchObject({
      status: 400,
      fields: ['key_id'],
    });
    expect(await send({ method: 'GET', url: `${base}?tag=%00` })).toMatchObject({
      status: 400,
      fields: ['tag'],
    });
    expect(
      (await world.rows(`SELECT 1 FROM "${world.schema}".api_keys WHERE description = 'nul'`))
        .length,
    ).toBe(0);
  });

  it('refuses 10,000 levels of nesting and a __proto__ key with a clear 400', async () => {
    const deep = await send({ method: 'POST', url: base, payload: deepJson() });
    expect(deep).toMatchObject({
      status: 400,
      message: 'The JSON body is nested deeper than 32 levels',
    });
    const proto = await send({
      method: 'POST',
      url: base,
      payload: '{"tag":"t","description":"d","__proto__":{"all_services":false}}',
    });
    expect(proto.status).toBe(400);
    expect(proto.message).toContain('__proto__ is not allowed');
  });

  it.each(HUGE_NUMBERS)('refuses %s as offset or as a grace period, naming it', async (n) => {
    expect(await send({ method: 'GET', url: `${base}?offset=${n}` })).toMatchObject({
      status: 400,
      fields: ['offset'],
    });
    const rotate = await send({
      method: 'POST',
      url: `${base}/00000000-0000-4000-8000-000000000000/rotate`,
      payload: `{"grace_period_seconds":${n}}`,
    });
    expect(rotate).toMatchObject({ status: 400, fields: ['grace_period_seconds'] });
  });

  it.each(NON_JSON_TYPES)('answers 415 to a %s body', async (type) => {
    const res = await send({ method: 'POST', url: base, payload: 'tag=a', contentType: type });
    expect(res).toMatchObject({ status: 415, code: 'MAAS.0415' });
  });

  it('answers 400 to a missing body and 405 with Allow to an unsupported method', async () => {
    // A missing body is validated as {}: the answer names what is required.
    expect(await send({ method: 'POST', url: base })).toMatchObject({
      status: 400,
      fields: ['tag', 'description'],
    });
    const trace = await send({ method: 'TRACE', url: base });
    expect(trace).toMatchObject({ status: 405, code: 'MAAS.0405', allow: 'GET, HEAD, POST' });
    const patch = await send({
      method: 'PATCH',
      url: `${base}/00000000-0000-4000-8000-000000000000`,
    });
    expect(patch).toMatchObject({ status: 405, allow: 'GET, HEAD, DELETE' });
  });

  it('still creates a key from a clean body', async () => {
    const res = await send({
      method: 'POST',
      url: base,
      payload: JSON.stringify({ tag: 'clean', description: 'émoji 😀 ok' }),
    });
    expect(res.status).toBe(201);
  });
});
