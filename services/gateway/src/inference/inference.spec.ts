import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { bearerSecret, keyRefusal, tokenRefusal } from '../auth/caller-authenticator.js';
import { serviceQps } from './chat-pipeline.js';
import { errorPayload, ipOverRateLimit } from '../errors/answers.js';
import { HttpModeration, WordListModeration } from './moderation.js';
import { completionBudget, estimatePromptTokens } from './token-estimate.js';

describe('credentials', () => {
  it('takes the secret of a Bearer header only', () => {
    expect(bearerSecret('Bearer sk-abc')).toBe('sk-abc');
    expect(bearerSecret('bearer  sk-abc ')).toBe('sk-abc');
    expect(bearerSecret('Basic sk-abc')).toBeUndefined();
    expect(bearerSecret('Bearer ')).toBeUndefined();
    expect(bearerSecret(undefined)).toBeUndefined();
  });

  it('maps key refusals to Table 4-19 codes', () => {
    const code = (e: { body: Record<string, unknown> }) => e.body.error_code;
    expect(code(keyRefusal('unknown_key'))).toBe('ModelArts.81003');
    expect(code(keyRefusal('wrong_region'))).toBe('ModelArts.81003');
    expect(code(keyRefusal('frozen'))).toBe('ModelArts.81006');
    for (const r of [
      'wrong_project',
      'service_not_allowed',
      'model_not_allowed',
      'ip_not_allowed',
    ] as const) {
      expect(code(keyRefusal(r))).toBe('ModelArts.81004');
    }
    expect(code(tokenRefusal('expired_token'))).toBe('ModelArts.81003');
    expect(code(tokenRefusal('action_denied'))).toBe('ModelArts.81004');
    expect(code(tokenRefusal('account_frozen'))).toBe('ModelArts.81006');
  });
});

describe('limits', () => {
  it("takes the lower of the service's QPS and a quotas policy", () => {
    expect(serviceQps(0, undefined)).toBe(0);
    expect(serviceQps(10, undefined)).toBe(10);
    expect(serviceQps(0, 5)).toBe(5);
    expect(serviceQps(10, 5)).toBe(5);
  });

  it('reserves the prompt estimate plus max_tokens times n', () => {
    const request = {
      messages: [{ content: 'x'.repeat(40) }, { content: '你好' }],
      max_tokens: 100,
      n: 2,
    };
    expect(estimatePromptTokens(request)).toBe(4 + 10 + 4 + 2);
    expect(completionBudget(request, 2048)).toBe(200);
    expect(completionBudget({ messages: [] }, 2048)).toBe(2048);
  });
});

describe('error bodies', () => {
  it('puts error_msg first in APIG answers and adds the request id', () => {
    const error = ipOverRateLimit(5);
    expect(errorPayload(error, 'r1')).toBe(
      '{"error_msg":"The throttling threshold has been reached: policy ip over ratelimit,limit:5,time:1 minute","error_code":"APIG.0308","request_id":"r1"}',
    );
  });
});

describe('moderation hook', () => {
  it('flags text containing a listed word or phrase, case-insensitively', async () => {
    const words = new WordListModeration(['Bad Word', '  ', 'other']);
    expect(words.size).toBe(2);
    expect(await words.flagged('this has a BAD word in it')).toBe(true);
    expect(await words.flagged('clean text')).toBe(false);
  });

  it('asks an HTTP service, and lets the call through when it fails', async () => {
    let status = 200;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const { input } = JSON.parse(body) as { input: string };
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ flagged: input.includes('bad') }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const errors: unknown[] = [];
    const hook = new HttpModeration(`http://127.0.0.1:${port}/moderate`, 1_000, (e) =>
      errors.push(e),
    );
    try {
      expect(await hook.flagged('a bad prompt')).toBe(true);
      expect(await hook.flagged('a fine prompt')).toBe(false);
      status = 500;
      expect(await hook.flagged('a bad prompt')).toBe(false);
      expect(errors).toHaveLength(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
