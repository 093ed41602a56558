import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { type FastifyReply } from 'fastify';
import { SseRelay } from './sse-relay.js';
import { classifyUpstreamError, type UpstreamFailure } from './upstream-errors.js';
import { type UpstreamResponse } from './upstream-proxy.js';
import { extractUsage, type TokenUsage } from './usage.js';

/** How a relayed answer ended. */
export interface RelayOutcome {
  /** The HTTP status the client got (499: the client went away first). */
  status: number;
  /** The model server's count, or what was seen so far when the stream was cut. */
  usage?: TokenUsage;
  /** Completion tokens seen when no usage arrived (a cut stream). */
  partialCompletionTokens?: number;
  /** Set when reading the model server's answer failed. */
  failure?: UpstreamFailure;
}

/** The usage of a whole (non-streamed) answer: searched in its tail first, where vLLM puts it. */
export function usageOfBody(body: Buffer): TokenUsage | undefined {
  const tail = body.length > 4096 ? body.toString('utf8', body.length - 4096) : undefined;
  return (tail && extractUsage(tail)) || extractUsage(body.toString('utf8'));
}

/** Reads a whole upstream body. Throws what undici throws (timeouts, aborts, broken sockets). */
export async function readBody(response: UpstreamResponse): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of response.body) chunks.push(chunk as Buffer);
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
}

/** Whether the model server answered with an SSE stream (a streamed call that succeeded). */
export function isEventStream(response: UpstreamResponse): boolean {
  const type = response.headers['content-type'];
  return response.statusCode === 200 && typeof type === 'string' && type.includes('event-stream');
}

/**
 * Passes an SSE answer to the client chunk by chunk (never buffering it whole), with
 * back-pressure: a slow client slows the read from the model server. When the client goes
 * away (the call's signal aborts) the upstream read stops, which closes the upstream
 * request; whatever usage was seen by then is returned.
 */
export async function relayStream(
  response: UpstreamResponse,
  reply: FastifyReply,
  headers: Record<string, string>,
  keepUsageChunk: boolean,
  signal: AbortSignal,
): Promise<RelayOutcome> {
  const relay = new SseRelay(keepUsageChunk);
  const out = new PassThrough();
  // A client that went away destroys `out`; the call's signal then stops the loop below.
  out.on('error', () => undefined);
  void reply
    .code(200)
    .headers({
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
    })
    .send(out);
  try {
    for await (const chunk of response.body) {
      const text = relay.push(chunk as Buffer);
      if (text.length > 0 && !out.write(text)) await once(out, 'drain', { signal });
    }
    const rest = relay.flush();
    if (rest) out.write(rest);
    out.end();
    return { status: 200, ...(relay.usage ? { usage: relay.usage } : {}) };
  } catch (error) {
    // The call's own abort (client gone, drain deadline) surfaces as the abort reason.
    const failure = signal.aborted ? 'aborted' : classifyUpstreamError(error);
    out.end();
    return {
      status: failure === 'aborted' ? 499 : 200,
      ...(relay.usage ? { usage: relay.usage } : {}),
      partialCompletionTokens: relay.completionTokensSoFar,
      failure,
    };
  }
}
