/** The parts of a chat request the estimate reads (structurally, any ChatRequest fits). */
export interface EstimableRequest {
  messages: readonly { content?: unknown }[];
  max_tokens?: number | null;
  n?: number | null;
}

/** Per message: role and separators in the chat template. */
const PER_MESSAGE = 4;
/** A rough count for an image part (vLLM counts hundreds to thousands). */
const PER_IMAGE = 512;

/**
 * The text of a message's content: a string, or the text parts of a multimodal list
 * (Table 4-14). Images are left out.
 */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content as unknown[]) {
    if (typeof part === 'object' && part !== null && 'text' in part) {
      const value = (part as { text?: unknown }).text;
      if (typeof value === 'string') text += (text ? '\n' : '') + value;
    }
  }
  return text;
}

function imageParts(content: unknown): number {
  if (!Array.isArray(content)) return 0;
  return (content as unknown[]).filter(
    (p) => typeof p === 'object' && p !== null && (p as { type?: unknown }).type === 'image_url',
  ).length;
}

/**
 * Prompt tokens, estimated without a tokenizer: about 4 characters per token for English
 * and code (1 per CJK character is closer; the TPM reservation is settled with the model
 * server's real count afterwards, so the estimate only has to be in the right range).
 */
export function estimatePromptTokens(request: EstimableRequest): number {
  let tokens = 0;
  for (const message of request.messages) {
    const text = contentText(message.content);
    let wide = 0;
    for (let i = 0; i < text.length; i += 1) if (text.charCodeAt(i) > 0x2e80) wide += 1;
    tokens += PER_MESSAGE + wide + Math.ceil((text.length - wide) / 4);
    tokens += imageParts(message.content) * PER_IMAGE;
  }
  return tokens;
}

/**
 * The completion's maximum: `max_tokens` (seed 002 Table 4-8, default 16 in the seed; vLLM
 * itself fills the context), else the service's max output tokens; times `n` choices.
 */
export function completionBudget(request: EstimableRequest, serviceMaxOutput: number): number {
  const perChoice = request.max_tokens ?? (serviceMaxOutput > 0 ? serviceMaxOutput : 16);
  return perChoice * Math.max(1, request.n ?? 1);
}

/** All text of the messages (for content moderation). */
export function promptText(request: EstimableRequest): string {
  return request.messages.map((m) => contentText(m.content)).join('\n');
}
