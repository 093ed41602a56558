// Input hygiene at the edge (@maas/app, SPEC §10) on the deployments service: NUL, deep
// nesting, offsets no column holds (once `bigint out of range`, a 500), non-JSON bodies,
// missing bodies and unsupported methods answer a clear 4xx in our error body.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deepJson,
  type EdgeRequest,
  edgeRequest,
  HUGE_NUMBERS,
  NON_JSON_TYPES,
} from '@maas/service-testing';
import { Harness, type Tenant } from './harness.js';

const h = new Harness();
let tenant: Tenant;
let base: string;

beforeAll(async () => {
  await h.start();
  tenant = await h.tenant({ policies: ['ModelArts FullAccess'] });
  base = `/v1/${tenant.projectId}`;
});

afterAll(() => h.stop());

const send = (request: Omit<EdgeRequest, 'token'>) =>
  edgeRequest(h.app, { ...request, token: tenant.token });

describe('list routes', () => {
  it.each(HUGE_NUMBERS)('refuses offset=%s with a 400 naming it', async (n) => {
    for (const list of ['services', 'pools', 'models']) {
      const res = await send({ method: 'GET', url: `${base}/${list}?offset=${n}` });
      expect({ list, ...res }).toMatchObject({ list, status: 400, fields: ['offset'] });
    }
  });

  it('still pages with the largest offset it accepts', async () => {
    const res = await send({ method: 'GET', url: `${base}/services?offset=9007199254740991` });
    expect(res.status).toBe(200);
  });
});

describe('bodies, parameters and methods', () => {
  it('refuses NUL and lone surrogates in the body, path and query, naming the field', async () => {
    const body = await send({
      method: 'POST',
      url: `${base}/pools`,
      payload: JSON.stringify({ name: 'pool\u0000x' }),
    });
    expect(body).toMatchObject({ status: 400, code: 'MAAS.0400', fields: ['name'] });
    const surrogate = await send({
      method: 'POST',
      url: `${base}/services`,
      payload: '{"name":"\\ud83d"}',
    });
    expect(surrogate).toMatchObject({ status: 400, fields: ['name'] });
    expect(await send({ method: 'GET', url: `${base}/services/s%00` })).toMatchObject({
      status: 400,
      fields: ['service_id'],
    });
    expect(await send({ method: 'GET', url: `${base}/services?name=%00` })).toMatchObject({
      status: 400,
      fields: ['name'],
    });
  });

  it('refuses 10,000 levels of nesting and a __proto__ key with a clear 400', async () => {
    const deep = await send({ method: 'POST', url: `${base}/services`, payload: deepJson() });
    expect(deep).toMatchObject({
      status: 400,
      message: 'The JSON body is nested deeper than 32 levels',
    });
    const proto = await send({
      method: 'POST',
      url: `${base}/pools`,
      payload: '{"name":"p","__proto__":{"x":1}}',
    });
    expect(proto.status).toBe(400);
    expect(proto.message).toContain('__proto__ is not allowed');
  });

  it('refuses numbers no column holds in a body, naming the field', async () => {
    const res = await send({
      method: 'POST',
      url: `${base}/services/00000000-0000-4000-8000-000000000000/scale`,
      payload: '{"instance_count":1e20}',
    });
    expect(res).toMatchObject({ status: 400, fields: ['instance_count'] });
  });

  it.each(NON_JSON_TYPES)('answers 415 to a %s body', async (type) => {
    const res = await send({
      method: 'POST',
      url: `${base}/pools`,
      payload: 'name=a',
      contentType: type,
    });
    expect(res).toMatchObject({ status: 415, code: 'MAAS.0415' });
  });

  it('answers 400 to a missing body and 405 with Allow to an unsupported method', async () => {
    const missing = await send({
      method: 'PUT',
      url: `${base}/pools/00000000-0000-4000-8000-000000000000`,
    });
    expect(missing).toMatchObject({ status: 400, fields: ['body'] });
    const trace = await send({ method: 'TRACE', url: `${base}/pools` });
    expect(trace).toMatchObject({ status: 405, code: 'MAAS.0405', allow: 'GET, HEAD, POST' });
    const patch = await send({ method: 'PATCH', url: `${base}/services` });
    expect(patch.status).toBe(405);
    expect(patch.allow).toMatch(/^GET, HEAD, POST/);
  });
});
