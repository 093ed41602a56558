import { extractUsage, type TokenUsage } from './usage.js';

/**
 * Relays a model server's SSE stream (`data: {...}\n\n` events, then `data: [DONE]`) chunk by
 * chunk (SPEC §8 streaming): each complete event goes out as soon as it arrived, nothing is
 * buffered beyond one incomplete event. Along the way it reads the usage: the gateway always
 * asks the backend for it (`stream_options.include_usage: true`) and, when the client did
 * not, drops the usage-only chunk (`"choices":[]` with a `usage`) so the client sees the
 * stream it asked for. `reasoning_content` and every other field pass through untouched.
 */
export class SseRelay {
  private pending = '';
  private usageSeen: TokenUsage | undefined;
  /** Content chunks seen (≈ completion tokens: vLLM sends one token per chunk). */
  private chunks = 0;

  constructor(private readonly keepUsageChunk: boolean) {}

  get usage(): TokenUsage | undefined {
    return this.usageSeen;
  }

  /** Completion tokens so far: the usage when seen, else the count of content chunks. */
  get completionTokensSoFar(): number {
    return this.usageSeen?.completionTokens ?? this.chunks;
  }

  /** What to send to the client for this upstream chunk ('' when nothing is complete yet). */
  push(chunk: Buffer): string {
    this.pending += chunk.toString('utf8');
    const end = this.pending.lastIndexOf('\n\n');
    if (end < 0) return '';
    const complete = this.pending.slice(0, end + 2);
    this.pending = this.pending.slice(end + 2);
    if (!complete.includes('"usage":{') && !complete.includes('"usage": {')) {
      this.chunks += countEvents(complete);
      return complete;
    }
    let out = '';
    for (const event of complete.split('\n\n')) {
      if (event.length === 0) continue;
      out += this.relayEvent(event);
    }
    return out;
  }

  /** Whatever was left without a closing blank line (sent as is at the end). */
  flush(): string {
    const rest = this.pending;
    this.pending = '';
    return rest;
  }

  private relayEvent(event: string): string {
    const usage = extractUsage(event);
    if (!usage) {
      this.chunks += 1;
      return `${event}\n\n`;
    }
    this.usageSeen = usage;
    const usageOnly = /"choices"\s*:\s*\[\s*\]/.test(event);
    if (usageOnly && !this.keepUsageChunk) return '';
    if (!usageOnly) this.chunks += 1;
    return `${event}\n\n`;
  }
}

function countEvents(text: string): number {
  let n = 0;
  let at = text.indexOf('data: {');
  while (at >= 0) {
    n += 1;
    at = text.indexOf('data: {', at + 7);
  }
  return n;
}
