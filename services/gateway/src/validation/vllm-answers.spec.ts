import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseJsonBody, validateChatRequest } from './index.js';
import { scanJson } from './py-json.js';

/**
 * The real model server's answers: fixtures/vllm-answers.json holds what vLLM 0.6.3's request
 * model behind FastAPI answered for each body (fixtures/vllm_oracle.py, run once). The gateway
 * must give the same status and the same bytes — except where vLLM answers 500 (a crash in its
 * before-hooks on a non-object body), which the gateway answers 400 (tested in validation.spec.ts).
 */
interface Answer {
  name: string;
  body?: string;
  hex?: string;
  status: number;
  answer: string;
}

const answers = JSON.parse(
  readFileSync(new URL('./fixtures/vllm-answers.json', import.meta.url), 'utf8'),
) as Answer[];

function gateway(raw: Buffer): { status: number; answer: string } {
  const parsed = parseJsonBody(raw);
  if (!parsed.ok) return { status: parsed.error.status, answer: JSON.stringify(parsed.error.body) };
  const result = validateChatRequest(parsed.value);
  if (!result.ok) return { status: result.error.status, answer: JSON.stringify(result.error.body) };
  return { status: 200, answer: '{"ok":true}' };
}

/**
 * Bodies vLLM's request model lets through and its later chat-template step refuses (or
 * silently mangles); the gateway refuses them with a clear message of its own (SPEC §8 roles,
 * Table 4-14 content: a string or text/image_url parts).
 */
const STRICTER: Record<string, string> = {
  'sys-content-dict':
    'Invalid content in messages[0]: expected a string or an array of content parts.',
  'user-content-partsbad': 'Unknown part type: foo',
  userlist5: 'Invalid content part messages[0].content[0]: "text" must be a string.',
  'img-detail':
    'Invalid role "zzz" in messages[0]: expected one of "system", "user", "assistant", "tool", "developer".',
};

/**
 * Accepted although vLLM 0.6.3 refuses it: `max_completion_tokens`, which vLLM >= 0.6.4 and the
 * current OpenAI API accept (chat-schema.ts).
 */
const LENIENT = new Set(['max-completion']);

describe('answers like vLLM for every oracle case', () => {
  const cases = answers.filter(
    (a) =>
      !LENIENT.has(a.name) &&
      a.status !== 500 &&
      !a.name.startsWith('model-') &&
      !(a.name in STRICTER),
  );
  it.each(cases.map((a) => [a.name, a] as const))('%s', (_name, a) => {
    const raw = a.hex !== undefined ? Buffer.from(a.hex, 'hex') : Buffer.from(a.body ?? '', 'utf8');
    expect(gateway(raw)).toEqual({ status: a.status, answer: a.answer });
  });
});

describe("refuses what only vLLM's chat step would refuse", () => {
  it.each(Object.entries(STRICTER))('%s', (name, message) => {
    const a = answers.find((x) => x.name === name)!;
    expect(a.status).toBe(200);
    const body = { object: 'error', message, type: 'BadRequestError', param: null, code: 400 };
    expect(gateway(Buffer.from(a.body ?? '', 'utf8'))).toEqual({
      status: 400,
      answer: JSON.stringify(body),
    });
  });
});

describe('the fast path agrees with the faithful path', () => {
  it.each(answers.filter((a) => a.status === 200).map((a) => [a.name, a] as const))(
    '%s',
    (_name, a) => {
      const text =
        a.hex !== undefined ? Buffer.from(a.hex, 'hex').toString('utf8') : (a.body ?? '');
      const scanned = scanJson(text);
      if (!scanned.ok) throw new Error('oracle-accepted body must scan');
      const faithful = validateChatRequest(scanned.value);
      const parsed = parseJsonBody(Buffer.from(text, 'utf8'));
      if (!parsed.ok) throw new Error('oracle-accepted body must parse');
      const fast = validateChatRequest(parsed.value);
      expect(fast).toEqual(faithful);
    },
  );
});

describe('accepts what newer vLLM accepts', () => {
  it.each([...LENIENT])('%s', (name) => {
    const a = answers.find((x) => x.name === name)!;
    expect(gateway(Buffer.from(a.body ?? '', 'utf8'))).toEqual({
      status: 200,
      answer: '{"ok":true}',
    });
  });
});
