import { reprFloat, reprStr } from './py-repr.js';
import type { ChatRequest } from './chat-request.js';

/**
 * The parameter ranges vLLM checks after the request model, when it builds SamplingParams
 * (vLLM 0.6.3 `to_sampling_params` + `SamplingParams.__post_init__/_verify_args`), and the
 * beam-search rules of vLLM <= 0.6.2 (`_verify_beam_search`, `_verify_non_beam_search`) that
 * seed 002 Table 4-8 documents (use_beam_search needs n > 1, top_p 1.0, top_k -1, temperature 0;
 * length_penalty only with beam search). Same order and message text as vLLM, which answers them
 * as `{"object":"error","message":…,"type":"BadRequestError","param":null,"code":400}`.
 * Values print like Python (pydantic has made floats of float fields: `got 3.0.`).
 */

const SAMPLING_EPS = 1e-5;
// Python int(): surrounding whitespace, a sign, `_` between digits.
const PY_INT = /^\s*[+-]?\d+(?:_\d+)*\s*$/;

/** Returns vLLM's message for the first rule the request breaks, or undefined. */
export function samplingError(r: ChatRequest): string | undefined {
  if (r.logit_bias) {
    for (const key of Object.keys(r.logit_bias)) {
      if (!PY_INT.test(key)) return `invalid literal for int() with base 10: ${reprStr(key)}`;
    }
  }
  return r.use_beam_search ? beamSearchError(r) : (samplingParamsError(r) ?? nonBeamSearchError(r));
}

interface Params {
  n: number;
  bestOf: number | null;
  temperature: number;
  topP: number;
  topK: number;
  maxTokens: number | null;
}

function params(r: ChatRequest, temperatureDefault: number): Params {
  return {
    n: r.n ?? 1,
    bestOf: r.best_of ?? null,
    temperature: r.temperature === undefined ? 0.7 : (r.temperature ?? temperatureDefault),
    topP: r.top_p ?? 1.0,
    topK: r.top_k ?? -1,
    maxTokens: (r.max_completion_tokens || r.max_tokens) ?? null,
  };
}

/** SamplingParams.__post_init__ up to and including _verify_args and the greedy check. */
function samplingParamsError(
  r: ChatRequest,
  p: Params = params(r, 1.0),
  beam = false,
): string | undefined {
  let n = p.n;
  if (p.bestOf) {
    if (p.bestOf < n)
      return `best_of must be greater than or equal to n, got n=${n} and best_of=${p.bestOf}.`;
    n = p.bestOf;
  }
  const error = rangeError(r, p, n);
  if (error || beam) return error;
  return streamBestOfError(r, p) ?? greedyError(p, n);
}

function rangeError(r: ChatRequest, p: Params, n: number): string | undefined {
  if (n < 1) return `n must be at least 1, got ${n}.`;
  return penaltyError(r) ?? samplerError(r, p) ?? tokensError(r, p) ?? stopError(r);
}

function penaltyError(r: ChatRequest): string | undefined {
  const presence = r.presence_penalty ?? 0;
  const frequency = r.frequency_penalty ?? 0;
  const repetition = r.repetition_penalty ?? 1;
  if (!(-2 <= presence && presence <= 2))
    return `presence_penalty must be in [-2, 2], got ${reprFloat(presence)}.`;
  if (!(-2 <= frequency && frequency <= 2))
    return `frequency_penalty must be in [-2, 2], got ${reprFloat(frequency)}.`;
  if (!(0 < repetition && repetition <= 2))
    return `repetition_penalty must be in (0, 2], got ${reprFloat(repetition)}.`;
  return undefined;
}

function samplerError(r: ChatRequest, p: Params): string | undefined {
  const minP = r.min_p ?? 0;
  if (p.temperature < 0)
    return `temperature must be non-negative, got ${reprFloat(p.temperature)}.`;
  if (!(0 < p.topP && p.topP <= 1)) return `top_p must be in (0, 1], got ${reprFloat(p.topP)}.`;
  if (p.topK < -1 || p.topK === 0)
    return `top_k must be -1 (disable), or at least 1, got ${p.topK}.`;
  if (!(0 <= minP && minP <= 1)) return `min_p must be in [0, 1], got ${reprFloat(minP)}.`;
  return undefined;
}

function tokensError(r: ChatRequest, p: Params): string | undefined {
  const minTokens = r.min_tokens ?? 0;
  if (p.maxTokens !== null && p.maxTokens < 1)
    return `max_tokens must be at least 1, got ${p.maxTokens}.`;
  if (minTokens < 0) return `min_tokens must be greater than or equal to 0, got ${minTokens}.`;
  if (p.maxTokens !== null && minTokens > p.maxTokens) {
    return `min_tokens must be less than or equal to max_tokens=${p.maxTokens}, got ${minTokens}.`;
  }
  return undefined;
}

function stopError(r: ChatRequest): string | undefined {
  const stop = r.stop == null ? [] : typeof r.stop === 'string' ? [r.stop] : r.stop;
  return stop.some((s) => !s) ? 'stop cannot contain an empty string.' : undefined;
}

function streamBestOfError(r: ChatRequest, p: Params): string | undefined {
  if (p.bestOf && p.bestOf !== p.n && r.stream)
    return 'best_of must equal n to use output_kind=DELTA';
  return undefined;
}

function greedyError(p: Params, n: number): string | undefined {
  if (p.temperature < SAMPLING_EPS && n > 1)
    return `n must be 1 when using greedy sampling, got ${n}.`;
  return undefined;
}

function nonBeamSearchError(r: ChatRequest): string | undefined {
  const lengthPenalty = r.length_penalty ?? 1;
  if (lengthPenalty < 1 - SAMPLING_EPS || lengthPenalty > 1 + SAMPLING_EPS) {
    return 'length_penalty is not effective and must be the default value of 1.0 when not using beam search.';
  }
  return undefined;
}

function beamSearchError(r: ChatRequest): string | undefined {
  const p = params(r, 0.7);
  const shared = samplingParamsError(r, { ...p, temperature: Math.max(p.temperature, 1) }, true);
  if (shared) return shared;
  const bestOf = p.bestOf ?? p.n;
  if (bestOf === 1) return `best_of must be greater than 1 when using beam search. Got ${bestOf}.`;
  if (p.temperature > SAMPLING_EPS) return 'temperature must be 0 when using beam search.';
  if (p.topP < 1 - SAMPLING_EPS) return 'top_p must be 1 when using beam search.';
  if (p.topK !== -1) return 'top_k must be -1 when using beam search.';
  return undefined;
}
