// The gateway as a real process in front of the vLLM simulators, fed by real Kafka events and
// real EndpointSlices: the official openai SDK against every endpoint (SPEC §8), and one test
// per answer of seed 002 Table 4-19 the gateway produces.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceState } from '@maas/events';
import { eventually } from '@maas/testing';
import { type ChildGateway } from './support/child-gateway.js';
import { bearer, call, clientIp, hello } from './support/http.js';
import { CONTEXT_LENGTH_BODY, ReasoningUpstream } from './support/reasoning-upstream.js';
import { GatewayWorld, type Tenant, type TestKey, type TestService } from './support/world.js';

const world = new GatewayWorld();
let gw: ChildGateway;
let tenant: Tenant;
let platform: Tenant;
let other: Tenant;
let svc: TestService;
let stopped: TestService;
let limited: TestService;
let preset: TestService;
let presetOff: TestService;
let key: TestKey;
let boundKey: TestKey;
let rpmKey: TestKey;
let tpmKey: TestKey;
let frozenKey: TestKey;
let frozenAccountKey: TestKey;
let reasoning: TestService;
let noInstance: TestService;
const upstream = new ReasoningUpstream();
const BANNED = 'forbidden-word-xyz';
const IP_LIMIT = 5;

/** An SDK client from a client address of its own (the per-IP limit is 5 a minute). */
function sdk(apiKey: string, baseURL: string, headers: Record<string, string> = {}): OpenAI {
  return new OpenAI({
    apiKey,
    baseURL,
    maxRetries: 0,
    defaultHeaders: { 'x-forwarded-for': clientIp(), ...headers },
  });
}

beforeAll(async () => {
  await Promise.all([world.setup(), upstream.start()]);
  tenant = await world.tenant();
  platform = await world.tenant();
  other = await world.tenant();
  svc = await world.service(tenant);
  stopped = await world.service(tenant);
  await world.setServiceState(stopped, ServiceState.STOPPED);
  limited = await world.service(tenant, { qps: 1 });
  reasoning = await world.service(tenant, { origins: [upstream.url] });
  noInstance = await world.service(tenant, { origins: [] });
  preset = await world.service(platform, { preset: true, name: `preset-${Date.now()}` });
  presetOff = await world.service(platform, { preset: true, name: `preset-off-${Date.now()}` });
  await world.enablePreset(tenant, preset);
  key = await world.key(tenant);
  boundKey = await world.key(tenant, { allServices: false, serviceIds: [limited.serviceId] });
  rpmKey = await world.key(tenant);
  await world.keyPolicy(rpmKey, { rpm: 2 });
  tpmKey = await world.key(tenant);
  await world.keyPolicy(tpmKey, { tpm: 50 });
  frozenKey = await world.key(tenant);
  await world.freezeKey(frozenKey);
  frozenAccountKey = await world.key(other);
  await world.freezeAccount(other, true, 1n);
  const words = join(tmpdir(), `gw-words-${world.prefix}.txt`);
  writeFileSync(words, `# test list\n${BANNED}\n`);
  gw = await world.gateway('gw', {
    MODERATION_WORDS_FILE: words,
    UPSTREAM_TIMEOUT_MS: '1500',
    TRUST_PROXY: 'true',
    IP_RATE_LIMIT_PER_MINUTE: String(IP_LIMIT),
  });
}, 180_000);

afterAll(async () => {
  try {
    await world.teardown();
  } finally {
    await upstream.stop();
  }
});

describe('the openai SDK, unmodified', () => {
  it('chats on the region endpoint', async () => {
    const client = sdk(key.secret, `${gw.url}/v1`);
    const answer = await client.chat.completions.create({
      model: svc.name,
      messages: [{ role: 'user', content: 'Hello' }],
      max_tokens: 5,
    });
    expect(answer.object).toBe('chat.completion');
    expect(answer.choices[0].message.content).toBeTruthy();
    expect(answer.usage?.completion_tokens).toBeGreaterThan(0);
    expect(answer.usage?.completion_tokens).toBeLessThanOrEqual(5);
  });

  it('keeps a multi-turn dialogue (the client resends the history)', async () => {
    const client = sdk(key.secret, `${gw.url}/v1`);
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: 'Which number is larger, 9.11 or 9.8?' },
    ];
    const first = await client.chat.completions.create({
      model: svc.name,
      messages,
      max_tokens: 4,
    });
    messages.push(first.choices[0].message);
    messages.push({ role: 'user', content: 'And why?' });
    const second = await client.chat.completions.create({
      model: svc.name,
      messages,
      max_tokens: 4,
    });
    expect(second.choices[0].message.content).toBeTruthy();
    expect(second.usage!.prompt_tokens).toBeGreaterThan(first.usage!.prompt_tokens);
  });

  it('streams without a usage chunk when the client did not ask for one', async () => {
    const client = sdk(key.secret, `${gw.url}/v1`);
    const stream = await client.chat.completions.create({
      model: svc.name,
      messages: [{ role: 'user', content: 'Hello' }],
      max_tokens: 6,
      stream: true,
    });
    let text = '';
    let chunks = 0;
    for await (const chunk of stream) {
      chunks += 1;
      expect(chunk.usage ?? null).toBeNull();
      expect(chunk.choices.length).toBeGreaterThan(0);
      text += chunk.choices[0].delta.content ?? '';
    }
    expect(chunks).toBeGreaterThan(3);
    expect(text.length).toBeGreaterThan(0);
  });

  it('streams with the usage chunk when include_usage is true', async () => {
    const client = sdk(key.secret, `${gw.url}/v1`);
    const stream = await client.chat.completions.create({
      model: svc.name,
      messages: [{ role: 'user', content: 'Hello' }],
      max_tokens: 6,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage?.completion_tokens).toBeGreaterThan(0);
    expect(last.usage?.total_tokens).toBe(
      last.usage!.prompt_tokens + last.usage!.completion_tokens,
    );
  });

  it('lists what the key may call on /v1/models', async () => {
    const client = sdk(key.secret, `${gw.url}/v1`);
    const ids = (await client.models.list()).data.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining([svc.name, limited.name, preset.name]));
    expect(ids).not.toContain(stopped.name);
    expect(ids).not.toContain(presetOff.name);
    const bound = sdk(boundKey.secret, `${gw.url}/v1`);
    expect((await bound.models.list()).data.map((m) => m.id)).toEqual([limited.name]);
  });

  it('calls a service on its own path and lists it there', async () => {
    const client = sdk(key.secret, `${gw.url}/v1/infers/${svc.serviceId}/v1`);
    const answer = await client.chat.completions.create({
      model: svc.name,
      messages: [{ role: 'user', content: 'Hello' }],
      max_tokens: 3,
    });
    expect(answer.choices[0].message.content).toBeTruthy();
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual([svc.name]);
  });

  it('calls the V1 API with X-Apig-AppCode', async () => {
    const client = sdk('unused', `${gw.url}/v1/${tenant.projectId}/deployments/${svc.serviceId}`, {
      'X-Apig-AppCode': key.secret,
    });
    const answer = await client.chat.completions.create({
      model: svc.name,
      messages: [{ role: 'user', content: 'Hello' }],
      max_tokens: 3,
    });
    expect(answer.choices[0].message.content).toBeTruthy();
  });

  it('calls the V1 API with X-Auth-Token of a user allowed modelarts:service:invoke', async () => {
    const token = await world.userToken(tenant, { actions: ['modelarts:service:invoke'] });
    const base = `${gw.url}/v1/${tenant.projectId}/deployments/${svc.serviceId}`;
    const client = sdk('unused', base, { 'X-Auth-Token': token });
    const answer = await client.chat.completions.create({
      model: svc.name,
      messages: [{ role: 'user', content: 'Hello' }],
      max_tokens: 3,
    });
    expect(answer.choices[0].message.content).toBeTruthy();
    // Seed 000's V1 body has no `model`: the deployment names it.
    const bare = await call(
      gw.url,
      `/v1/${tenant.projectId}/deployments/${svc.serviceId}/chat/completions`,
      {
        headers: { 'x-auth-token': token },
        body: { messages: [{ role: 'user', content: 'Hi' }], max_tokens: 2 },
      },
    );
    expect(bare.status).toBe(200);
    // A user whose policies do not allow the action: 81004.
    const denied = await world.userToken(tenant, { actions: ['modelarts:service:get'] });
    const refused = await call(
      gw.url,
      `/v1/${tenant.projectId}/deployments/${svc.serviceId}/chat/completions`,
      { headers: { 'x-auth-token': denied }, body: hello(svc.name) },
    );
    expect(refused.status).toBe(401);
    expect(refused.json.error_code).toBe('ModelArts.81004');
  });

  it('passes reasoning_content through, whole and streamed', async () => {
    const client = sdk(key.secret, `${gw.url}/v1`);
    const messages = [{ role: 'user' as const, content: '9.11 and 9.8, which is greater?' }];
    const answer = await client.chat.completions.create({ model: reasoning.name, messages });
    const message = answer.choices[0].message as { reasoning_content?: string };
    expect(message.reasoning_content).toBe('Compare the tenths.');
    const stream = await client.chat.completions.create({
      model: reasoning.name,
      messages,
      stream: true,
    });
    let thought = '';
    for await (const chunk of stream) {
      const d = chunk.choices[0]?.delta as { reasoning_content?: string } | undefined;
      thought += d?.reasoning_content ?? '';
    }
    expect(thought).toBe('Compare the tenths.');
  });

  it('calls the V2 API with Authorization: Bearer', async () => {
    const client = sdk(key.secret, `${gw.url}/api/v2`);
    const answer = await client.chat.completions.create({
      model: svc.name,
      messages: [{ role: 'user', content: 'Hello' }],
      max_tokens: 3,
    });
    expect(answer.choices[0].message.content).toBeTruthy();
  });
});

/** A platform error body with the request id the x-request-id header carries. */
function expectPlatformError(
  answer: Awaited<ReturnType<typeof call>>,
  status: number,
  code: string,
  message: string,
): void {
  expect(answer.status).toBe(status);
  expect(answer.headers.get('content-type')).toContain('application/json');
  expect(answer.json).toEqual({
    error_code: code,
    error_msg: message,
    request_id: answer.headers.get('x-request-id'),
  });
}

describe('seed 002 Table 4-19, one answer each', () => {
  it('400 vLLM missing body', async () => {
    const a = await call(gw.url, '/v1/chat/completions', {
      method: 'POST',
      headers: bearer(key.secret),
    });
    expect(a.status).toBe(400);
    expect(a.json).toEqual({
      object: 'error',
      message: "[{'type': 'missing', 'loc': ('body',), 'msg': 'Field required', 'input': None}]",
      type: 'BadRequestError',
      param: null,
      code: 400,
    });
  });

  it('400 vLLM missing model', async () => {
    const a = await call(gw.url, '/v1/chat/completions', {
      headers: bearer(key.secret),
      raw:
        '{"max_tokens": 20, "messages": [{"role": "system", "content": "You are a helpful assistant."}, ' +
        '{"role": "user", "content": "Hello"}], "stream": false, "temperature": 1.0}',
    });
    expect(a.status).toBe(400);
    expect(a.json.message).toBe(
      "[{'type': 'missing', 'loc': ('body', 'model'), 'msg': 'Field required', 'input': {'max_tokens': 20, " +
        "'messages': [{'role': 'system', 'content': 'You are a helpful assistant.'}, {'role': 'user', " +
        "'content': 'Hello'}], 'stream': False, 'temperature': 1.0}}]",
    );
    expect(a.json.type).toBe('BadRequestError');
  });

  it('400 vLLM extra_forbidden', async () => {
    const a = await call(gw.url, '/v1/chat/completions', {
      headers: bearer(key.secret),
      body: hello(svc.name, { test: 15 }),
    });
    expect(a.status).toBe(400);
    expect(a.json.message).toBe(
      "[{'type': 'extra_forbidden', 'loc': ('body', 'test'), 'msg': 'Extra inputs are not permitted', 'input': 15}]",
    );
  });

  it('400 vLLM json_invalid with the offset', async () => {
    const a = await call(gw.url, '/v1/chat/completions', {
      headers: bearer(key.secret),
      raw: '{"model": "x" "messages": []}',
    });
    expect(a.status).toBe(400);
    expect(a.json.message).toBe(
      "[{'type': 'json_invalid', 'loc': ('body', 14), 'msg': 'JSON decode error', 'input': {}, 'ctx': {'error': \"Expecting ',' delimiter\"}}]",
    );
  });

  it("400 vLLM context length: the backend's answer passes through unchanged", async () => {
    const a = await call(gw.url, '/v1/chat/completions', {
      headers: bearer(key.secret),
      body: hello(reasoning.name, { max_tokens: 8222 }),
    });
    expect(a.status).toBe(400);
    expect(a.text).toBe(CONTEXT_LENGTH_BODY);
  });

  it('400 ModelArts.81002 without a usable Authorization header', async () => {
    const cases: Record<string, string>[] = [
      {},
      { authorization: '' },
      { authorization: `Basic ${key.secret}` },
    ];
    for (const headers of cases) {
      const a = await call(gw.url, '/v1/chat/completions', { headers, body: hello(svc.name) });
      expectPlatformError(a, 400, 'ModelArts.81002', 'Failed to get the authorization header.');
    }
  });

  it('401 ModelArts.81003 for a key nobody issued', async () => {
    const a = await call(gw.url, '/v1/chat/completions', {
      headers: bearer('sk-notakeynotakeynotakeynotakeynotakeynotakey0'),
      body: hello(svc.name),
    });
    expectPlatformError(a, 401, 'ModelArts.81003', 'Invalid authorization header.');
  });

  it('401 ModelArts.81004 outside the key scope, and for a preset service not enabled', async () => {
    const message = 'Invalid request because you do not have access to it.';
    const scoped = await call(gw.url, '/v1/chat/completions', {
      headers: bearer(boundKey.secret),
      body: hello(svc.name),
    });
    expectPlatformError(scoped, 401, 'ModelArts.81004', message);
    const notEnabled = await call(gw.url, '/v1/chat/completions', {
      headers: bearer(key.secret),
      body: hello(presetOff.name),
    });
    expectPlatformError(notEnabled, 401, 'ModelArts.81004', message);
  });

  it('calls an enabled preset service, and 401 ModelArts.81005 once its free quota is used up', async () => {
    const ok = await call(gw.url, '/v1/chat/completions', {
      headers: bearer(key.secret),
      body: hello(preset.name),
    });
    expect(ok.status).toBe(200);
    await world.freeQuotaExhausted(tenant, preset.name);
    await eventually(
      async () => {
        const a = await call(gw.url, '/v1/chat/completions', {
          headers: bearer(key.secret),
          body: hello(preset.name),
        });
        if (a.status === 200) return false;
        expectPlatformError(a, 401, 'ModelArts.81005', 'The free quota has been used up.');
        return true;
      },
      { timeoutMs: 5_000, intervalMs: 100, description: 'free quota refused' },
    );
  });

  it('401 ModelArts.81006 for a frozen key and for a key of a frozen account', async () => {
    for (const k of [frozenKey, frozenAccountKey]) {
      const a = await call(gw.url, '/v1/chat/completions', {
        headers: bearer(k.secret),
        body: hello(svc.name),
      });
      expectPlatformError(a, 401, 'ModelArts.81006', 'The resource is frozen.');
    }
  });

  it('403 ModelArts.81011 for a prompt the moderation word list flags', async () => {
    const a = await call(gw.url, '/v1/chat/completions', {
      headers: bearer(key.secret),
      body: { model: svc.name, messages: [{ role: 'user', content: `say ${BANNED} please` }] },
    });
    expectPlatformError(a, 403, 'ModelArts.81011', 'May contain senstive');
  });

  it('404 ModelArts.81009 for an unknown model and for a stopped service', async () => {
    for (const model of ['no-such-model', stopped.name]) {
      const a = await call(gw.url, '/v1/chat/completions', {
        headers: bearer(key.secret),
        body: hello(model),
      });
      expectPlatformError(a, 404, 'ModelArts.81009', 'Invalid model.');
    }
  });

  it("404 vLLM NotFoundError for a model the service's own path does not serve", async () => {
    const a = await call(gw.url, `/v1/infers/${svc.serviceId}/v1/chat/completions`, {
      headers: bearer(key.secret),
      body: hello('DeepSeek-R1'),
    });
    expect(a.status).toBe(404);
    expect(a.json).toEqual({
      object: 'error',
      message: 'The model `DeepSeek-R1` does not exist.',
      type: 'NotFoundError',
      param: null,
      code: 404,
    });
  });

  it('404 APIG.0101 for a path that is no API, with the request id', async () => {
    const a = await call(gw.url, '/v1/no/such/api', { headers: bearer(key.secret) });
    expect(a.status).toBe(404);
    expect(a.json).toEqual({
      error_msg: 'The API does not exist or has not been published in the environment',
      error_code: 'APIG.0101',
      request_id: a.headers.get('x-request-id'),
    });
    expect(a.text.indexOf('error_msg')).toBeLessThan(a.text.indexOf('error_code'));
  });

  it('405 {"detail":"Method Not Allowed"} for a wrong method on a known path', async () => {
    for (const [method, path] of [
      ['GET', '/v1/chat/completions'],
      ['DELETE', '/api/v2/chat/completions'],
      ['POST', '/v1/models'],
    ]) {
      const a = await call(gw.url, path, { method, headers: bearer(key.secret) });
      expect(a.status).toBe(405);
      expect(a.text).toBe('{"detail":"Method Not Allowed"}');
    }
  });

  it('429 ModelArts.81101 above the key RPM, with Retry-After and x-ratelimit headers', async () => {
    const ip = clientIp();
    const send = () =>
      call(gw.url, '/v1/chat/completions', {
        headers: bearer(rpmKey.secret),
        body: hello(svc.name),
        ip,
      });
    const first = await send();
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-limit-requests')).toBe('2');
    expect(first.headers.get('x-ratelimit-remaining-requests')).toBe('1');
    expect((await send()).status).toBe(200);
    const refused = await send();
    expectPlatformError(
      refused,
      429,
      'ModelArts.81101',
      'Too many requests, exceeded rate limit is 2 times per minute.',
    );
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('x-ratelimit-remaining-requests')).toBe('0');
  });

  it('429 ModelArts.81103 above the key TPM (prompt estimate + max_tokens reserved)', async () => {
    const a = await call(gw.url, '/v1/chat/completions', {
      headers: bearer(tpmKey.secret),
      body: hello(svc.name, { max_tokens: 100 }),
    });
    expectPlatformError(
      a,
      429,
      'ModelArts.81103',
      'Too many requests. exceeded rate limit is 50 tokens per minute.',
    );
    expect(a.headers.get('x-ratelimit-limit-tokens')).toBe('50');
  });

  it('429 ModelArts.4206 above the service QPS', async () => {
    const answers = await Promise.all(
      Array.from({ length: 4 }, () =>
        call(gw.url, '/v1/chat/completions', {
          headers: bearer(key.secret),
          body: hello(limited.name),
        }),
      ),
    );
    const refused = answers.filter((a) => a.status === 429);
    expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(1);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(refused[0].json.error_code).toBe('ModelArts.4206');
  });

  it('429 APIG.0308 above the per-client-address limit', async () => {
    const ip = clientIp();
    const statuses: number[] = [];
    for (let i = 0; i <= IP_LIMIT; i += 1) {
      const a = await call(gw.url, '/v1/models', { headers: bearer(key.secret), ip });
      statuses.push(a.status);
      if (i === IP_LIMIT) {
        expect(a.json).toEqual({
          error_msg: `The throttling threshold has been reached: policy ip over ratelimit,limit:${IP_LIMIT},time:1 minute`,
          error_code: 'APIG.0308',
          request_id: a.headers.get('x-request-id'),
        });
      }
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });

  it('502 APIG.0201 Backend unavailable when the service has no ready instance', async () => {
    const a = await call(gw.url, '/v1/chat/completions', {
      headers: bearer(key.secret),
      body: hello(noInstance.name),
    });
    expect(a.status).toBe(502);
    expect(a.json).toEqual({
      error_msg: 'Backend unavailable',
      error_code: 'APIG.0201',
      request_id: a.headers.get('x-request-id'),
    });
  });

  it('504 APIG.0203 Backend timeout when the model server takes too long', async () => {
    // The simulator decodes about 1 token a ms; the gateway under test waits 1.5 s for an answer.
    const a = await call(gw.url, '/v1/chat/completions', {
      headers: bearer(key.secret),
      body: hello(svc.name, { max_tokens: 20000 }),
    });
    expect(a.status).toBe(504);
    expect(a.json).toEqual({
      error_msg: 'Backend timeout',
      error_code: 'APIG.0203',
      request_id: a.headers.get('x-request-id'),
    });
  });
});

describe('operations', () => {
  it('logs one access line per call with its request id, never a secret', async () => {
    const a = await call(gw.url, '/v1/chat/completions', {
      headers: { ...bearer(key.secret), 'x-request-id': `log-test-${world.prefix}` },
      body: hello(svc.name),
    });
    expect(a.status).toBe(200);
    await eventually(
      () =>
        gw
          .logLines()
          .some((l) => l.msg === 'inference' && l.request_id === `log-test-${world.prefix}`),
      { timeoutMs: 3_000, intervalMs: 100, description: 'access log line' },
    );
    const line = gw
      .logLines()
      .find((l) => l.msg === 'inference' && l.request_id === `log-test-${world.prefix}`)!;
    expect(line).toMatchObject({ status: 200, service_id: svc.serviceId, key_id: key.keyId });
    const log = gw.logText();
    for (const k of [key, rpmKey, tpmKey, boundKey, frozenKey]) expect(log).not.toContain(k.secret);
  });

  it('exposes requests, latency, tokens and in-flight metrics', async () => {
    const text = await gw.metrics();
    expect(text).toMatch(
      new RegExp(
        `gateway_requests_total\\{[^}]*route="chat",status="200",service="${svc.serviceId}"`,
      ),
    );
    expect(text).toMatch(/gateway_request_duration_seconds_bucket\{/);
    expect(text).toMatch(
      new RegExp(`gateway_tokens_total\\{[^}]*service="${svc.serviceId}",kind="completion"`),
    );
    expect(text).toMatch(/gateway_requests_in_flight/);
    expect(text).toMatch(/gateway_upstream_errors_total\{[^}]*kind="timeout"/);
  });

  it('is ready from its projections, and reports Kafka and Redis at /health', async () => {
    const ready = await fetch(`${gw.url}/health/ready`);
    expect(ready.status).toBe(200);
    const details = (await (await fetch(`${gw.url}/health`)).json()) as {
      details: Record<string, unknown>;
    };
    expect(Object.keys(details.details)).toEqual(
      expect.arrayContaining([
        'keys',
        'services',
        'policies',
        'iam',
        'instances',
        'kafka',
        'redis',
      ]),
    );
  });
});
