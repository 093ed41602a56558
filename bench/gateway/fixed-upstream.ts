// A fixed-response OpenAI-compatible upstream for the gateway benchmark: it answers every
// chat completion with the same canned answer (or a short canned SSE stream, with the usage
// chunk when asked for it, as vLLM does) at next to no cost, so what a gateway in front of it
// reaches is the gateway's own ceiling, not the model server's.
//
// Run as its own process: node bench/gateway/fixed-upstream.ts <port>  (127.0.0.1 only).
// It prints "listening <port>" once it accepts connections.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

const MODEL_FALLBACK = 'fixed-model';
const created = Math.floor(Date.now() / 1000);

/** The canned non-streamed answer, shaped as the simulator's (vLLM's) chat completion. */
function completion(model: string): string {
  return JSON.stringify({
    id: 'chatcmpl-fixed',
    object: 'chat.completion',
    created,
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'The quick brown fox', tool_calls: null },
        finish_reason: 'stop',
        logprobs: null,
        stop_reason: null,
      },
    ],
    usage: { prompt_tokens: 2, completion_tokens: 4, total_tokens: 6 },
    system_fingerprint: 'fp_fixed',
  });
}

const chunk = (
  model: string,
  delta: Record<string, unknown> | undefined,
  finish: string | null,
  usage: unknown = null,
) =>
  `data: ${JSON.stringify({
    id: 'chatcmpl-fixed',
    object: 'chat.completion.chunk',
    created,
    model,
    choices: delta ? [{ index: 0, delta, finish_reason: finish, logprobs: null }] : [],
    usage,
  })}\n\n`;

/** The canned stream: role, four content chunks, the finish, optionally usage, [DONE]. */
function stream(model: string, includeUsage: boolean): string[] {
  const events = [
    chunk(model, { role: 'assistant', content: '' }, null),
    ...['The', ' quick', ' brown', ' fox'].map((t) => chunk(model, { content: t }, null)),
    chunk(model, {}, 'stop'),
  ];
  if (includeUsage)
    events.push(
      chunk(model, undefined, null, { prompt_tokens: 2, completion_tokens: 4, total_tokens: 6 }),
    );
  events.push('data: [DONE]\n\n');
  return events;
}

/** The canned answers are built once per model name and stream flavour. */
const cache = new Map<string, { body: string } | { events: string[] }>();

function answerFor(
  model: string,
  streamed: boolean,
  includeUsage: boolean,
): { body: string } | { events: string[] } {
  const key = `${model}\0${streamed}\0${includeUsage}`;
  let answer = cache.get(key);
  if (!answer) {
    answer = streamed ? { events: stream(model, includeUsage) } : { body: completion(model) };
    cache.set(key, answer);
  }
  return answer;
}

interface ChatBody {
  model?: unknown;
  stream?: unknown;
  stream_options?: { include_usage?: unknown } | null;
}

function chat(raw: string, res: ServerResponse): void {
  let body: ChatBody;
  try {
    body = JSON.parse(raw) as ChatBody;
  } catch {
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end('{"object":"error","message":"invalid JSON","type":"BadRequestError","code":400}');
    return;
  }
  const model = typeof body.model === 'string' ? body.model : MODEL_FALLBACK;
  const answer = answerFor(
    model,
    body.stream === true,
    body.stream_options?.include_usage === true,
  );
  if ('body' in answer) {
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(answer.body),
    });
    res.end(answer.body);
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  // One write per event, as a model server sends them (not one buffer for the whole stream).
  for (const event of answer.events) res.write(event);
  res.end();
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'POST' && path === '/v1/chat/completions') {
      chat(Buffer.concat(chunks).toString('utf8'), res);
    } else if (req.method === 'GET' && path === '/health') {
      res.writeHead(200).end();
    } else if (req.method === 'GET' && path === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: MODEL_FALLBACK, object: 'model' }] }));
    } else {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"detail":"Not Found"}');
    }
  });
}

const port = Number(process.argv[2] ?? 0);
const server = createServer({ keepAliveTimeout: 65_000 }, handle);
server.listen(port, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  process.stdout.write(`listening ${address.port}\n`);
});
// Exit at once: keep-alive connections of the load generator would hold a graceful close open.
const stop = () => process.exit(0);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
