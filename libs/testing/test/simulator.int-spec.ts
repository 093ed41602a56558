// The stand-in model server answers like vLLM's OpenAI-compatible server, through the real
// `openai` SDK: a chat completion with usage, and a streamed one whose last chunk has usage.
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';

const [simUrl] = (process.env.SIM_URLS ?? '').split(',');
const client = new OpenAI({
  baseURL: `${simUrl}/v1`,
  apiKey: 'unused',
  maxRetries: 0,
  timeout: 10_000,
});

describe('vLLM simulator', () => {
  it('lists its served model', async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toContain('sim-model');
  });

  it('answers a chat completion with token usage', async () => {
    const res = await client.chat.completions.create({
      model: 'sim-model',
      messages: [{ role: 'user', content: 'Say something short.' }],
      max_tokens: 4,
    });
    expect(res.choices[0].message.role).toBe('assistant');
    expect(res.choices[0].message.content?.length).toBeGreaterThan(0);
    expect(res.usage?.completion_tokens).toBeGreaterThan(0);
    expect(res.usage?.total_tokens).toBe(res.usage!.prompt_tokens + res.usage!.completion_tokens);
  });

  it('streams chunks and ends with a usage chunk when include_usage is set', async () => {
    const stream = await client.chat.completions.create({
      model: 'sim-model',
      messages: [{ role: 'user', content: 'Count to three.' }],
      max_tokens: 6,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks += 1;
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(chunks).toBeGreaterThan(2);
    expect(text.length).toBeGreaterThan(0);
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    expect(usage?.total_tokens).toBe(usage!.prompt_tokens + usage!.completion_tokens);
  });
});
