import { describe, expect, it } from 'vitest';
import { SseRelay } from './sse-relay.js';
import { classifyUpstreamError } from './upstream-errors.js';
import { extractUsage } from './usage.js';

const chunk = (content: string) =>
  `data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"${content}"}}],"usage":null}\n\n`;
const usageChunk =
  'data: {"id":"c","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}\n\n';
const done = 'data: [DONE]\n\n';

describe('extractUsage', () => {
  it('reads the last usage object of a body', () => {
    expect(
      extractUsage(
        '{"choices":[],"usage":{"prompt_tokens":20,"total_tokens":38,"completion_tokens":18}}',
      ),
    ).toEqual({ promptTokens: 20, completionTokens: 18, totalTokens: 38 });
  });

  it('finds none in a null usage or a body without one', () => {
    expect(extractUsage('{"usage":null}')).toBeUndefined();
    expect(extractUsage('{"choices":[]}')).toBeUndefined();
  });
});

describe('SseRelay', () => {
  it('drops the usage-only chunk the client did not ask for, and still counts it', () => {
    const relay = new SseRelay(false);
    const out = relay.push(Buffer.from(chunk('a') + chunk('b') + usageChunk + done));
    expect(out).toBe(chunk('a') + chunk('b') + done);
    expect(relay.usage).toEqual({ promptTokens: 3, completionTokens: 2, totalTokens: 5 });
  });

  it('passes the usage chunk through when asked, byte for byte', () => {
    const relay = new SseRelay(true);
    const all = chunk('a') + usageChunk + done;
    expect(relay.push(Buffer.from(all))).toBe(all);
  });

  it('sends complete events as they arrive and holds only a partial one', () => {
    const relay = new SseRelay(false);
    const first = chunk('a');
    expect(relay.push(Buffer.from(first + first.slice(0, 10)))).toBe(first);
    expect(relay.push(Buffer.from(first.slice(10)))).toBe(first);
    expect(relay.completionTokensSoFar).toBe(2);
    expect(relay.flush()).toBe('');
  });

  it('keeps reasoning_content untouched', () => {
    const relay = new SseRelay(false);
    const event = 'data: {"choices":[{"index":0,"delta":{"reasoning_content":"think"}}]}\n\n';
    expect(relay.push(Buffer.from(event))).toBe(event);
  });
});

describe('classifyUpstreamError', () => {
  it('retries only what never reached the instance', () => {
    expect(classifyUpstreamError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(
      'connect',
    );
    expect(
      classifyUpstreamError(
        new Error('fetch failed', { cause: { code: 'UND_ERR_CONNECT_TIMEOUT' } }),
      ),
    ).toBe('connect');
    expect(
      classifyUpstreamError(Object.assign(new Error('x'), { code: 'UND_ERR_HEADERS_TIMEOUT' })),
    ).toBe('timeout');
    expect(classifyUpstreamError(Object.assign(new Error('x'), { code: 'UND_ERR_SOCKET' }))).toBe(
      'broken',
    );
  });
});
