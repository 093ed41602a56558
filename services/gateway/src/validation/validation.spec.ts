import { describe, expect, it } from 'vitest';
import { checkModelRules, parseJsonBody, validateChatRequest, type ChatRequest } from './index.js';
import type { GatewayError } from '../errors/gateway-error.js';

/** parseJsonBody then validateChatRequest, as the gateway's pipeline runs them. */
function run(
  body: string | Buffer | undefined,
): { ok: true; request: ChatRequest } | { ok: false; error: GatewayError } {
  const parsed = parseJsonBody(typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
  if (!parsed.ok) return parsed;
  return validateChatRequest(parsed.value);
}

function errorOf(body: string | Buffer | undefined): GatewayError {
  const result = run(body);
  if (result.ok) throw new Error(`expected a refusal of ${String(body)}`);
  return result.error;
}

function requestOf(body: string): ChatRequest {
  const result = run(body);
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.error.body)}`);
  return result.request;
}

/** The vLLM message of a 400 (plain or pydantic list). */
function messageOf(body: string): string {
  const error = errorOf(body);
  expect(error.status).toBe(400);
  expect(error.body).toMatchObject({
    object: 'error',
    type: 'BadRequestError',
    param: null,
    code: 400,
  });
  return error.body.message as string;
}

const MESSAGES = [{ role: 'user', content: 'hi' }];
const req = (extra: Record<string, unknown>): string =>
  JSON.stringify({ model: 'm', messages: MESSAGES, ...extra });

/**
 * Seed 002 Table 4-19, the vLLM-shaped rows, copied verbatim from the seed's "Error Message"
 * column; wrapped in braces they are the JSON body, and the gateway must produce those bytes.
 */
const TABLE_4_19 = {
  missingModel: `"object": "error", "message": "[{'type': 'missing', 'loc': ('body', 'model'), 'msg': 'Field required', 'input': {'max_tokens': 20, 'messages': [{'role': 'system', 'content': 'You are a helpful assistant.'}, {'role': 'user', 'content': 'Hello'}], 'stream': False, 'temperature': 1.0}}]", "type": "BadRequestError", "param": null, "code": 400`,
  extraField: `"object": "error", "message": "[{'type': 'extra_forbidden', 'loc': ('body', 'test'), 'msg': 'Extra inputs are not permitted', 'input': 15}]", "type": "BadRequestError", "param": null, "code": 400`,
  invalidJson: `"object": "error", "message": "[{'type': 'json_invalid', 'loc': ('body', 273), 'msg': 'JSON decode error', 'input': {}, 'ctx': {'error': \\"Expecting ',' delimiter\\"}}]", "type": "BadRequestError", "param": null, "code": 400`,
  noBody: `"object": "error", "message": "[{'type': 'missing', 'loc': ('body',), 'msg': 'Field required', 'input': None}]", "type": "BadRequestError", "param": null, "code": 400`,
};
const seedBytes = (row: string): string => JSON.stringify(JSON.parse(`{${row}}`));

describe('seed 002 Table 4-19 body errors, byte for byte', () => {
  it('mandatory parameter missing (model)', () => {
    const body =
      '{"max_tokens": 20, "messages": [{"role": "system", "content": "You are a helpful assistant."}, ' +
      '{"role": "user", "content": "Hello"}], "stream": false, "temperature": 1.0}';
    const error = errorOf(body);
    expect(error.status).toBe(400);
    expect(JSON.stringify(error.body)).toBe(seedBytes(TABLE_4_19.missingModel));
  });

  it('extra, unsupported parameter', () => {
    const error = errorOf(
      '{"model": "DeepSeek-R1", "messages": [{"role": "user", "content": "Hello"}], "test": 15}',
    );
    expect(error.status).toBe(400);
    expect(JSON.stringify(error.body)).toBe(seedBytes(TABLE_4_19.extraField));
  });

  it("wrong JSON format (Python's message and position)", () => {
    // The seed's sample request with the comma after "messages" missing, at character 273.
    const body =
      '{"model": "DeepSeek-R1", "max_tokens": 1024, "messages": [{"role": "system", "content": ' +
      `"You are a helpful assistant."}, {"role": "user", "content": "${'a'.repeat(119)}"}] ` +
      '"stream": false, "temperature": 0.6}';
    const error = errorOf(body);
    expect(error.status).toBe(400);
    expect(JSON.stringify(error.body)).toBe(seedBytes(TABLE_4_19.invalidJson));
  });

  it('no request body', () => {
    for (const body of [undefined, Buffer.alloc(0), 'null']) {
      const error = errorOf(body);
      expect(error.status).toBe(400);
      expect(JSON.stringify(error.body)).toBe(seedBytes(TABLE_4_19.noBody));
    }
  });

  it('empty model parameter: ModelArts.81001 Invalid request body.', () => {
    for (const model of ['', '   ', 5, null, ['m']]) {
      const error = errorOf(JSON.stringify({ model, messages: MESSAGES }));
      expect(error).toEqual({
        status: 400,
        body: { error_code: 'ModelArts.81001', error_msg: 'Invalid request body.' },
      });
    }
  });
});

describe('JSON the model server cannot read', () => {
  it('positions count characters, not bytes (pydantic reports the str index)', () => {
    // "é" is two bytes in UTF-8; Python reports 9, the byte offset would be 11.
    expect(messageOf('{"é":"ü" "x":1}')).toContain("'loc': ('body', 9)");
  });

  it("bytes that are not UTF-8 get FastAPI's own 400", () => {
    expect(errorOf(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0xff, 0x7d]))).toEqual({
      status: 400,
      body: { detail: 'There was an error parsing the body' },
    });
  });

  it("reads what Python's json.loads reads: a UTF-8 BOM, UTF-16, NaN", () => {
    const body = req({});
    expect(run(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)])).ok).toBe(true);
    expect(run(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(body, 'utf16le')])).ok).toBe(
      true,
    );
    expect(run('{"model": "m", "messages": [], "logit_bias": {"1": NaN}}').ok).toBe(true);
  });

  it("nesting past Python's recursion limit, or an int of more than 4300 digits: FastAPI's 400", () => {
    const detail = { status: 400, body: { detail: 'There was an error parsing the body' } };
    expect(errorOf('['.repeat(5000) + ']'.repeat(5000))).toEqual(detail);
    expect(errorOf(`{"model": "m", "messages": [], "seed": ${'9'.repeat(4301)}}`)).toEqual(detail);
  });

  it('a body that is JSON but not an object is refused with 400 (vLLM itself crashes with 500)', () => {
    for (const body of ['[1, 2]', '"text"', '42', 'true']) {
      const message = messageOf(body);
      expect(message).toMatch(/^\[\{'type': 'model_attributes_type', 'loc': \('body',\), /);
    }
  });
});

describe('types and ranges of Tables 4-8 and 4-13..4-15 (pydantic answers)', () => {
  it.each([
    ['max_tokens', 'ten', 'int_parsing'],
    ['max_tokens', 1.5, 'int_from_float'],
    ['max_tokens', [], 'int_type'],
    ['top_k', null, 'int_type'],
    ['n', 'two', 'int_parsing'],
    ['top_p', 'high', 'float_parsing'],
    ['temperature', {}, 'float_type'],
    ['presence_penalty', [1], 'float_type'],
    ['frequency_penalty', 'x', 'float_parsing'],
    ['length_penalty', null, 'float_type'],
    ['stream', 'maybe', 'bool_parsing'],
    ['stream', 2, 'bool_parsing'],
    ['use_beam_search', [], 'bool_type'],
    ['model', 5, undefined],
  ])('%s = %j → %s', (field, value, type) => {
    if (type === undefined) return; // model of the wrong type: 81001, above
    const message = messageOf(req({ [field]: value }));
    expect(message).toContain(`'type': '${type}', 'loc': ('body', '${field}')`);
  });

  it('stop: a string or a list of strings', () => {
    expect(requestOf(req({ stop: 'You' })).stop).toBe('You');
    expect(requestOf(req({ stop: ['You', 'Good'] })).stop).toEqual(['You', 'Good']);
    expect(requestOf(req({ stop: null })).stop).toBeNull();
    expect(messageOf(req({ stop: 5 }))).toBe(
      "[{'type': 'string_type', 'loc': ('body', 'stop', 'str'), 'msg': 'Input should be a valid string', 'input': 5}, " +
        "{'type': 'list_type', 'loc': ('body', 'stop', 'list[str]'), 'msg': 'Input should be a valid list', 'input': 5}]",
    );
  });

  it('stream_options.include_usage is a boolean and the object takes no other key (Table 4-15)', () => {
    expect(
      messageOf(req({ stream: true, stream_options: { include_usage: 'sometimes' } })),
    ).toContain("'type': 'bool_parsing', 'loc': ('body', 'stream_options', 'include_usage')");
    expect(messageOf(req({ stream: true, stream_options: { usage: true } }))).toContain(
      "'type': 'extra_forbidden', 'loc': ('body', 'stream_options', 'usage')",
    );
  });

  it('several errors: all of them, fields in declaration order, then extra keys', () => {
    const message = messageOf('{"messages": "x", "n": "a", "foo": 1, "bar": [1.0]}');
    expect(
      [...message.matchAll(/'type': '(\w+)', 'loc': \(([^)]*)\)/g)].map((m) => `${m[1]} ${m[2]}`),
    ).toEqual([
      "list_type 'body', 'messages'",
      "missing 'body', 'model'",
      "int_parsing 'body', 'n'",
      "extra_forbidden 'body', 'foo'",
      "extra_forbidden 'body', 'bar'",
    ]);
  });

  it('ranges vLLM checks when building SamplingParams, with its messages', () => {
    expect(messageOf(req({ temperature: -0.5 }))).toBe(
      'temperature must be non-negative, got -0.5.',
    );
    expect(messageOf(req({ top_p: 0 }))).toBe('top_p must be in (0, 1], got 0.0.');
    expect(messageOf(req({ top_p: 1.5 }))).toBe('top_p must be in (0, 1], got 1.5.');
    expect(messageOf(req({ presence_penalty: 3 }))).toBe(
      'presence_penalty must be in [-2, 2], got 3.0.',
    );
    expect(messageOf(req({ frequency_penalty: -2.5 }))).toBe(
      'frequency_penalty must be in [-2, 2], got -2.5.',
    );
    expect(messageOf(req({ n: 0 }))).toBe('n must be at least 1, got 0.');
    expect(messageOf(req({ top_k: 0 }))).toBe('top_k must be -1 (disable), or at least 1, got 0.');
    expect(messageOf(req({ top_k: -2 }))).toBe(
      'top_k must be -1 (disable), or at least 1, got -2.',
    );
    expect(messageOf(req({ max_tokens: 0 }))).toBe('max_tokens must be at least 1, got 0.');
    expect(messageOf(req({ stop: [''] }))).toBe('stop cannot contain an empty string.');
    for (const ok of [
      { temperature: 0 },
      { top_p: 1 },
      { presence_penalty: -2 },
      { frequency_penalty: 2 },
      { top_k: -1 },
      { top_k: 50 },
    ]) {
      expect(run(req(ok)).ok).toBe(true);
    }
  });

  it('roles system/user/assistant/tool (+ developer); others refused', () => {
    const messages = [
      { role: 'system', content: 'You are a helpful AI assistant.' },
      { role: 'developer', content: 'Answer briefly.' },
      { role: 'user', content: 'Which number is larger, 9.11 or 9.8?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'w', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 'c1', content: 'The weather in Shanghai is sunny today.' },
      { role: 'assistant', content: '9.8 is larger than 9.11.' },
    ];
    expect(run(JSON.stringify({ model: 'm', messages })).ok).toBe(true);
    expect(
      messageOf(JSON.stringify({ model: 'm', messages: [{ role: 'robot', content: 'x' }] })),
    ).toBe(
      'Invalid role "robot" in messages[0]: expected one of "system", "user", "assistant", "tool", "developer".',
    );
    // A message without a role matches no message shape of the request model.
    expect(messageOf(JSON.stringify({ model: 'm', messages: [{ content: 'x' }] }))).toContain(
      "'type': 'missing', 'loc': ('body', 'messages', 0, 'typed-dict', 'role')",
    );
  });

  it('content: a string or text/image_url parts', () => {
    const content = [
      { type: 'text', text: 'What is in this image?' },
      {
        type: 'image_url',
        image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' },
      },
    ];
    expect(
      requestOf(JSON.stringify({ model: 'm', messages: [{ role: 'user', content }] })).messages[0]
        .content,
    ).toEqual(content);
    expect(
      messageOf(
        JSON.stringify({
          model: 'm',
          messages: [{ role: 'user', content: [{ type: 'video', url: 'x' }] }],
        }),
      ),
    ).toBe('Unknown part type: video');
    expect(
      messageOf(
        JSON.stringify({
          model: 'm',
          messages: [{ role: 'user', content: [{ type: 'image_url', image_url: {} }] }],
        }),
      ),
    ).toBe('Invalid content part messages[0].content[0]: "image_url.url" must be a string.');
    expect(
      messageOf(JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 5 }] })),
    ).toContain(
      "'type': 'string_type', 'loc': ('body', 'messages', 0, 'typed-dict', 'content', 'str')",
    );
  });
});

describe('seed: a 64-bit integer, checked exactly', () => {
  it('accepts the int64 bounds and refuses one past them', () => {
    expect(run('{"model": "m", "messages": [], "seed": 9223372036854775807}').ok).toBe(true);
    expect(run('{"model": "m", "messages": [], "seed": -9223372036854775808}').ok).toBe(true);
    expect(messageOf('{"model": "m", "messages": [], "seed": 9223372036854775808}')).toBe(
      "[{'type': 'less_than_equal', 'loc': ('body', 'seed'), 'msg': 'Input should be less than or equal to " +
        "9223372036854775807', 'input': 9223372036854775808, 'ctx': {'le': 9223372036854775807}}]",
    );
  });
});

describe('cross-field rules', () => {
  it('beam search needs n > 1, temperature 0, top_p 1.0 and top_k -1 (Table 4-8)', () => {
    const beam = { use_beam_search: true, n: 2, temperature: 0, top_p: 1.0, top_k: -1 };
    expect(run(req(beam)).ok).toBe(true);
    expect(messageOf(req({ ...beam, n: 1 }))).toBe(
      'best_of must be greater than 1 when using beam search. Got 1.',
    );
    expect(messageOf(req({ ...beam, temperature: 0.6 }))).toBe(
      'temperature must be 0 when using beam search.',
    );
    expect(messageOf(req({ use_beam_search: true, n: 2 }))).toBe(
      'temperature must be 0 when using beam search.',
    );
    expect(messageOf(req({ ...beam, top_p: 0.9 }))).toBe('top_p must be 1 when using beam search.');
    expect(messageOf(req({ ...beam, top_k: 50 }))).toBe('top_k must be -1 when using beam search.');
  });

  it('length_penalty only with beam search (Table 4-8)', () => {
    expect(run(req({ use_beam_search: true, n: 2, temperature: 0, length_penalty: 1.5 })).ok).toBe(
      true,
    );
    expect(messageOf(req({ length_penalty: 1.5 }))).toBe(
      'length_penalty is not effective and must be the default value of 1.0 when not using beam search.',
    );
  });

  it('n > 1 needs sampling, not greedy (Table 4-8 note on n)', () => {
    expect(run(req({ n: 2, temperature: 0.6 })).ok).toBe(true);
    expect(messageOf(req({ n: 2, temperature: 0 }))).toBe(
      'n must be 1 when using greedy sampling, got 2.',
    );
  });

  it('stream_options only with stream true (Table 4-15, vLLM message)', () => {
    expect(run(req({ stream: true, stream_options: { include_usage: true } })).ok).toBe(true);
    for (const stream of [false, undefined]) {
      expect(messageOf(req({ stream, stream_options: { include_usage: true } }))).toMatch(
        /^\[\{'type': 'value_error', 'loc': \('body',\), 'msg': 'Value error, Stream options can only be defined when `stream=True`\.'/,
      );
    }
  });

  it('n > 1 refused for DeepSeek-R1/V3 by Model Square name, case-insensitively (Table 4-13)', () => {
    const two = requestOf(req({ n: 2 }));
    for (const modelName of ['DeepSeek-R1', 'deepseek-v3', 'DEEPSEEK-R1-0528', 'DeepSeek-V3.1']) {
      const error = checkModelRules(two, { modelName });
      expect(error?.status).toBe(400);
      expect(error?.body).toMatchObject({ object: 'error', type: 'BadRequestError', code: 400 });
      expect(String(error?.body.message)).toContain(`n must be 1 for ${modelName}`);
    }
    expect(checkModelRules(requestOf(req({ n: 1 })), { modelName: 'DeepSeek-R1' })).toBeUndefined();
    expect(checkModelRules(requestOf(req({})), { modelName: 'DeepSeek-V3' })).toBeUndefined();
    expect(checkModelRules(two, { modelName: 'Qwen3-32B' })).toBeUndefined();
    expect(checkModelRules(two, { modelName: 'DeepSeek-R1-Distill-Qwen-32B' })).toBeUndefined();
    expect(
      checkModelRules(requestOf(req({ length_penalty: 1.0 })), { modelName: 'DeepSeek-R1' }),
    ).toBeUndefined();
  });
});

describe('what the openai SDK sends is accepted', () => {
  it.each([
    ['chat', { model: 'DeepSeek-R1', messages: [{ role: 'user', content: 'Hello' }] }],
    [
      'seed sample (requests)',
      {
        model: 'DeepSeek-R1',
        max_tokens: 1024,
        messages: [
          { role: 'system', content: 'You are a helpful assistant.' },
          { role: 'user', content: 'hello' },
        ],
        stream: false,
        temperature: 0.6,
      },
    ],
    [
      'streaming with usage',
      { model: 'm', messages: MESSAGES, stream: true, stream_options: { include_usage: true } },
    ],
    [
      'all the common knobs',
      {
        messages: MESSAGES,
        model: 'm',
        frequency_penalty: 0.5,
        presence_penalty: -0.5,
        logit_bias: { '50256': -100 },
        logprobs: true,
        top_logprobs: 3,
        max_tokens: 64,
        max_completion_tokens: 64,
        n: 2,
        seed: 42,
        stop: ['\n\n'],
        temperature: 0.7,
        top_p: 0.9,
        user: 'u-1',
        response_format: { type: 'json_object' },
        parallel_tool_calls: false,
      },
    ],
    [
      'tools',
      {
        model: 'm',
        messages: MESSAGES,
        tools: [
          {
            type: 'function',
            function: {
              name: 'get_weather',
              description: 'w',
              parameters: { type: 'object', properties: {} },
            },
          },
        ],
        tool_choice: { type: 'function', function: { name: 'get_weather' } },
      },
    ],
    [
      'vLLM extras',
      {
        model: 'm',
        messages: MESSAGES,
        top_k: 50,
        min_p: 0.05,
        repetition_penalty: 1.1,
        min_tokens: 2,
        ignore_eos: false,
        best_of: 2,
        n: 2,
        skip_special_tokens: true,
      },
    ],
  ])('%s', (_name, body) => {
    const result = run(JSON.stringify(body));
    expect(result.ok ? 'ok' : JSON.stringify(result.error.body)).toBe('ok');
  });
});

describe('the typed request', () => {
  it("applies pydantic's lax coercions and keeps the client's key order", () => {
    const request = requestOf(
      '{"stream": "true", "model": "m", "n": 2.0, "temperature": "0.5", "messages": [{"role": "user", "content": "hi"}], ' +
        '"max_tokens": "20", "stream_options": {"include_usage": 1}, "top_k": true}',
    );
    expect(request).toEqual({
      stream: true,
      model: 'm',
      n: 2,
      temperature: 0.5,
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 20,
      stream_options: { include_usage: true },
      top_k: 1,
    });
    expect(Object.keys(request)).toEqual([
      'stream',
      'model',
      'n',
      'temperature',
      'messages',
      'max_tokens',
      'stream_options',
      'top_k',
    ]);
  });

  it('tools without tool_choice mean tool_choice "auto", as in vLLM', () => {
    const tools = [{ type: 'function', function: { name: 'f' } }];
    expect(requestOf(req({ tools })).tool_choice).toBe('auto');
  });

  it('accepts a plain JS object too (e.g. from JSON.parse)', () => {
    const result = validateChatRequest({ model: 'm', messages: MESSAGES, temperature: 1 });
    expect(result.ok && result.request.temperature).toBe(1);
  });
});
