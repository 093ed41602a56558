import { type LimitDecision, type RuleOutcome } from './rate-limiter.js';

const REQUEST_RULES = new Set(['rpm', 'model_rpm']);
const TOKEN_RULES = new Set(['tpm', 'model_tpm']);

/**
 * A duration as OpenAI's x-ratelimit-reset-* headers write it (Go duration syntax):
 * "250ms", "1s", "12.5s", "1m0s".
 */
export function formatResetDuration(ms: number): string {
  const whole = Math.max(0, Math.ceil(ms));
  if (whole < 1_000) return `${whole}ms`;
  const minutes = Math.floor(whole / 60_000);
  const seconds = Number(((whole % 60_000) / 1_000).toFixed(3));
  return minutes > 0 ? `${minutes}m${seconds}s` : `${seconds}s`;
}

/** Of several rules, the one with the least room: what the client must respect. */
function tightest(
  outcomes: readonly RuleOutcome[],
  names: ReadonlySet<string>,
): RuleOutcome | undefined {
  return outcomes
    .filter((o) => o.name !== undefined && names.has(o.name))
    .reduce<RuleOutcome | undefined>(
      (min, o) => (min === undefined || o.remaining < min.remaining ? o : min),
      undefined,
    );
}

/**
 * The response headers of a limited call, as OpenAI's API sends them (clients and SDKs read
 * these): `x-ratelimit-{limit,remaining,reset}-{requests,tokens}` from the tightest RPM and
 * TPM rules, and `retry-after` (whole seconds, rounded up) plus `retry-after-ms` when refused.
 * Nothing is sent for rules that are not limited, nor when Redis was unavailable.
 */
export function rateLimitHeaders(decision: LimitDecision): Record<string, string> {
  const headers: Record<string, string> = {};
  const sections: [string, RuleOutcome | undefined][] = [
    ['requests', tightest(decision.outcomes, REQUEST_RULES)],
    ['tokens', tightest(decision.outcomes, TOKEN_RULES)],
  ];
  for (const [unit, outcome] of sections) {
    if (!outcome) continue;
    headers[`x-ratelimit-limit-${unit}`] = String(outcome.limit);
    headers[`x-ratelimit-remaining-${unit}`] = String(outcome.remaining);
    headers[`x-ratelimit-reset-${unit}`] = formatResetDuration(outcome.resetInMs);
  }
  if (!decision.allowed && decision.retryAfterMs !== undefined) {
    headers['retry-after'] = String(Math.max(1, Math.ceil(decision.retryAfterMs / 1_000)));
    headers['retry-after-ms'] = String(Math.max(0, Math.ceil(decision.retryAfterMs)));
  }
  return headers;
}
