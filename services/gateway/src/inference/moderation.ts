import { readFileSync } from 'node:fs';
import { request } from 'undici';

/**
 * The optional content-moderation hook (seed 002 Table 4-19: 403 ModelArts.81011 "May contain
 * senstive" for input or non-streaming output). Off by default; an operator points it at a
 * word list or at an HTTP moderation service.
 */
export interface ContentModeration {
  /** Whether the text must be refused. Never throws. */
  flagged(text: string): Promise<boolean>;
}

/** Refuses text containing any word or phrase of a list (case-insensitive substring). */
export class WordListModeration implements ContentModeration {
  private readonly words: string[];

  constructor(words: readonly string[]) {
    this.words = words.map((w) => w.trim().toLowerCase()).filter((w) => w.length > 0);
  }

  /** One word or phrase a line; blank lines and lines starting with # are ignored. */
  static fromFile(path: string): WordListModeration {
    const lines = readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => !l.trimStart().startsWith('#'));
    return new WordListModeration(lines);
  }

  get size(): number {
    return this.words.length;
  }

  flagged(text: string): Promise<boolean> {
    const lower = text.toLowerCase();
    return Promise.resolve(this.words.some((w) => lower.includes(w)));
  }
}

/**
 * Asks an HTTP moderation service: POST `{"input": text}`, answer `{"flagged": true|false}`
 * (the shape of OpenAI's moderation endpoint's result, simplified). When the service fails
 * or is late the call goes through (fail-open: moderation is a safeguard, not a gate that
 * should take inference down with it).
 */
export class HttpModeration implements ContentModeration {
  constructor(
    private readonly url: string,
    private readonly timeoutMs: number,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  async flagged(text: string): Promise<boolean> {
    try {
      const response = await request(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ input: text }),
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const body = (await response.body.json()) as { flagged?: unknown; results?: unknown };
      if (response.statusCode >= 400) throw new Error(`moderation answered ${response.statusCode}`);
      if (typeof body.flagged === 'boolean') return body.flagged;
      if (Array.isArray(body.results)) {
        return body.results.some((r) => (r as { flagged?: unknown }).flagged === true);
      }
      return false;
    } catch (error) {
      this.onError(error);
      return false;
    }
  }
}
