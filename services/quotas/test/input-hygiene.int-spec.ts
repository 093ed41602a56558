// Input hygiene at the edge (@maas/app, SPEC §10) on the quotas service: NUL, deep nesting,
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
import { OPERATOR_TOKEN, QuotasWorld, type TestAccount } from './harness.js';

const world = new QuotasWorld();
let acct: TestAccount;
let policies: string;

beforeAll(async () => {
  await world.start();
  acct = await world.account();
  policies = `/v1/${acct.projectId}/rate-limit-policies`;
});

afterAll(() => world.close());

const send = (request: Omit<EdgeRequest, 'token'>) =>
  edgeRequest(world.app, { ...request, token: acct.rootToken });

describe('the quotas API', () => {
  it('refuses NUL in the body, path and query, naming the field', async () => {
    const body = await send({
      method: 'PUT',
      url: policies,
      payload: JSON.stringify({ subject_type: 'key', key_id: 'k\u0000', rpm: 10 }),
    });
    expect(body).toMatchObject({ status: 400, code: 'MAAS.0400', fields: ['key_id'] });
    expect(await send({ method: 'DELETE', url: `${policies}/p%00` })).toMatchObject({
      status: 400,
      fields: ['policy_id'],
    });
    expect(
      await send({ method: 'GET', url: `/v1/${acct.projectId}/usage?key_id=%00` }),
    ).toMatchObject({ status: 400, fields: ['key_id'] });
  });

  it.each(HUGE_NUMBERS)('refuses %s in a body or query parameter, naming it', async (n) => {
    const body = await send({
      method: 'PUT',
      url: policies,
      payload: `{"subject_type":"key","key_id":"00000000-0000-4000-8000-000000000000","rpm":${n}}`,
    });
    expect(body).toMatchObject({ status: 400, fields: ['rpm'] });
    const quota = await edgeRequest(world.app, {
      method: 'PUT',
      url: `/v1/${acct.projectId}/quotas`,
      headers: { 'x-operator-token': OPERATOR_TOKEN },
      payload: `{"resources":[{"type":"api_keys","quota":${n}}]}`,
    });
    expect(quota).toMatchObject({ status: 400, fields: ['resources.0.quota'] });
    expect(
      await send({ method: 'GET', url: `/v1/${acct.projectId}/usage?offset=${n}` }),
    ).toMatchObject({ status: 400, fields: ['offset'] });
  });

  it('refuses 10,000 levels of nesting and a constructor key with a clear 400', async () => {
    const deep = await send({ method: 'PUT', url: policies, payload: deepJson() });
    expect(deep).toMatchObject({
      status: 400,
      message: 'The JSON body is nested deeper than 32 levels',
    });
    const key = await send({ method: 'PUT', url: policies, payload: '{"constructor":{"x":1}}' });
    expect(key.status).toBe(400);
    expect(key.message).toContain('constructor is not allowed');
  });

  it.each(NON_JSON_TYPES)('answers 415 to a %s body', async (type) => {
    const res = await send({ method: 'PUT', url: policies, payload: 'rpm=1', contentType: type });
    expect(res).toMatchObject({ status: 415, code: 'MAAS.0415' });
  });

  it('answers 400 to a missing body and 405 with Allow to an unsupported method', async () => {
    // A missing body is validated as {}: the answer names what is required.
    const missing = await send({ method: 'PUT', url: policies });
    expect(missing).toMatchObject({ status: 400, code: 'MAAS.0400' });
    expect(missing.fields).toContain('key_id');
    const trace = await send({ method: 'TRACE', url: `/v1/${acct.projectId}/quotas` });
    expect(trace).toMatchObject({ status: 405, code: 'MAAS.0405', allow: 'GET, HEAD, PUT' });
    const post = await send({ method: 'POST', url: `/v1/${acct.projectId}/usage` });
    expect(post).toMatchObject({ status: 405, allow: 'GET, HEAD' });
  });
});
