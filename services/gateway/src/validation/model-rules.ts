import { vllmError, type GatewayError } from '../errors/gateway-error.js';
import type { ChatRequest } from './chat-request.js';

/**
 * Rules that depend on the model a service serves (seed 002 Table 4-13): "You cannot set n higher
 * than 1 for DeepSeek-R1 and DeepSeek-V3" (also with use_beam_search, whose beams are n or
 * best_of), and "You cannot set length_penalty for DeepSeek-R1 and DeepSeek-V3". Matched on the
 * Model Square name, case-insensitively, for the model and its versions/variants
 * ("DeepSeek-R1", "deepseek-r1-0528", "DeepSeek-V3.1"), not for distilled models named after
 * another base ("DeepSeek-R1-Distill-Qwen-32B" is a Qwen model and may sample n > 1).
 * Answered in the model server's shape, as the backend's own refusals are.
 */
const DEEPSEEK_R1_V3 = /^deepseek-(?:r1|v3)/i;
const DISTILLED = /distill/i;

export function checkModelRules(
  request: ChatRequest,
  model: { modelName: string },
): GatewayError | undefined {
  const name = model.modelName.trim();
  if (!DEEPSEEK_R1_V3.test(name) || DISTILLED.test(name)) return undefined;
  if ((request.n ?? 1) > 1 || (request.best_of ?? 1) > 1) {
    return vllmError(
      400,
      'BadRequestError',
      `n must be 1 for ${name}: it does not support more than one choice per request, got n=${request.n ?? 1}${request.best_of != null ? ` and best_of=${request.best_of}` : ''}.`,
    );
  }
  if (request.length_penalty !== undefined && request.length_penalty !== 1) {
    return vllmError(400, 'BadRequestError', `length_penalty is not supported for ${name}.`);
  }
  return undefined;
}
