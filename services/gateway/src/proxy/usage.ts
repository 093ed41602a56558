/** Token counts of one completion (OpenAI/vLLM `usage`). */
export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

const FIELD = /"(prompt_tokens|completion_tokens|total_tokens)"\s*:\s*(\d+)/g;

/**
 * The `usage` object of a completion body (non-streaming answer, or one SSE chunk), found
 * without parsing the whole document: vLLM puts `usage` after `choices`, so the last
 * `"usage":{` is searched and its three counts read. Undefined when there is none (or
 * `"usage":null`).
 */
export function extractUsage(text: string): TokenUsage | undefined {
  const at = text.lastIndexOf('"usage"');
  if (at < 0) return undefined;
  const open = text.indexOf('{', at);
  if (open < 0 || /^"usage"\s*:\s*null/.test(text.slice(at, at + 20))) return undefined;
  const close = text.indexOf('}', open);
  const object = text.slice(open, close < 0 ? undefined : close + 1);
  const usage: TokenUsage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
  let found = false;
  for (const match of object.matchAll(FIELD)) {
    found = true;
    const value = Number(match[2]);
    if (match[1] === 'prompt_tokens') usage.promptTokens = value;
    else if (match[1] === 'completion_tokens') usage.completionTokens = value;
    else usage.totalTokens = value;
  }
  if (!found) return undefined;
  if (usage.totalTokens === 0) usage.totalTokens = usage.promptTokens + usage.completionTokens;
  return usage;
}
