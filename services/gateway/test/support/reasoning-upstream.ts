// A tiny OpenAI-compatible upstream of the test's own, for what the vLLM simulator does not
// do: a reasoning model's `reasoning_content`, and vLLM's context-length 400.
import { createServer, type Server } from 'node:http';

/** vLLM's answer when prompt + max_tokens exceed the context (seed 002 Table 4-19). */
export const CONTEXT_LENGTH_BODY =
  '{"object":"error","message":"This model\'s maximum context length is 4096 tokens. However, you requested 8242 tokens (20 in the messages, 8222 in the completion). Please reduce the length of the messages or completion.","type":"BadRequestError","param":null,"code":400}';

const completion = {
  id: 'chat-1',
  object: 'chat.completion',
  created: 1740809549,
  model: 'DeepSeek-R1',
  choices: [
    {
      index: 0,
      message: {
        role: 'assistant',
        content: '9.8 is larger.',
        reasoning_content: 'Compare the tenths.',
      },
      finish_reason: 'stop',
    },
  ],
  usage: { prompt_tokens: 21, total_tokens: 437, completion_tokens: 416 },
};

const sse = (o: unknown) => `data: ${JSON.stringify(o)}\n\n`;
const delta = (d: Record<string, unknown>) => ({
  id: 'chat-1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'DeepSeek-R1',
  choices: [{ index: 0, delta: d, finish_reason: null }],
  usage: null,
});

export class ReasoningUpstream {
  private server?: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (body.includes('"max_tokens":8222')) {
          res.writeHead(400, { 'content-type': 'application/json' }).end(CONTEXT_LENGTH_BODY);
          return;
        }
        if (!body.includes('"stream":true')) {
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify(completion));
          return;
        }
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(sse(delta({ role: 'assistant', reasoning_content: 'Compare ' })));
        res.write(sse(delta({ reasoning_content: 'the tenths.' })));
        res.write(sse(delta({ content: '9.8' })));
        res.write(
          sse({
            ...delta({}),
            choices: [],
            usage: { prompt_tokens: 21, completion_tokens: 3, total_tokens: 24 },
          }),
        );
        res.end('data: [DONE]\n\n');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => (this.server ? this.server.close(resolve) : resolve(undefined)));
  }
}
