import { type LimitError, qpsExceeded, rpmExceeded, tpmExceeded } from './error-codes.js';
import { rateLimitHeaders } from './headers.js';
import {
  type LimitDecision,
  type LimitRule,
  type RateLimiter,
  type Reservation,
  type RuleOutcome,
  type SettleResult,
} from './rate-limiter.js';

export const MINUTE_MS = 60_000;
export const SECOND_MS = 1_000;

/** RPM/TPM limits; 0 or absent = no limit. */
export interface RpmTpm {
  rpm?: number;
  tpm?: number;
}

/** What the gateway knows about one inference call when it admits it. */
export interface AdmissionRequest {
  /** The API key making the call (its RPM/TPM counters). */
  keyId: string;
  /** The model asked for (its per-key-and-model counters). */
  model: string;
  /** The model service routed to (its QPS counter). */
  serviceId: string;
  /** The key's policy for all models (maas.quotas.v1 RateLimitPolicySet with no model). */
  key?: RpmTpm;
  /** The key's policy for this model, if one is set. */
  keyModel?: RpmTpm;
  /** The service's QPS limit (set QPS; 0 or absent = none). */
  serviceQps?: number;
  /**
   * Tokens to reserve for TPM: the prompt's tokens plus the completion's maximum
   * (max_tokens, or what the model's context leaves). Settled after the response.
   */
  maxTokens: number;
}

/** The names of the rules admissionRules builds (and RuleOutcome.name carries). */
export type AdmissionRuleName = 'rpm' | 'tpm' | 'model_rpm' | 'model_tpm' | 'qps';

/** A counter name's subject in a hash tag, so one subject's counters share a cluster slot. */
const tag = (value: string) => `{${value.replaceAll(/[{}]/g, '_')}}`;

/**
 * The rules of one call: RPM and TPM of the key (all models), RPM and TPM of the key and
 * model, QPS of the service. Limits of 0 are left out. TPM rules reserve `maxTokens`.
 */
export function admissionRules(request: AdmissionRequest): LimitRule[] {
  const key = `key:${tag(request.keyId)}`;
  const model = `${key}:m:${request.model}`;
  const rules: (LimitRule & { name: AdmissionRuleName })[] = [
    {
      name: 'qps',
      key: `svc:${tag(request.serviceId)}:qps`,
      limit: request.serviceQps ?? 0,
      windowMs: SECOND_MS,
      cost: 1,
    },
    { name: 'rpm', key: `${key}:rpm`, limit: request.key?.rpm ?? 0, windowMs: MINUTE_MS, cost: 1 },
    {
      name: 'model_rpm',
      key: `${model}:rpm`,
      limit: request.keyModel?.rpm ?? 0,
      windowMs: MINUTE_MS,
      cost: 1,
    },
    {
      name: 'tpm',
      key: `${key}:tpm`,
      limit: request.key?.tpm ?? 0,
      windowMs: MINUTE_MS,
      cost: request.maxTokens,
    },
    {
      name: 'model_tpm',
      key: `${model}:tpm`,
      limit: request.keyModel?.tpm ?? 0,
      windowMs: MINUTE_MS,
      cost: request.maxTokens,
    },
  ];
  return rules.filter((r) => r.limit > 0);
}

/** The answer for a refused call: which error, and the headers to send with it. */
export function limitErrorOf(denied: RuleOutcome): LimitError {
  switch (denied.name as AdmissionRuleName) {
    case 'rpm':
    case 'model_rpm':
      return rpmExceeded(denied.limit);
    case 'tpm':
    case 'model_tpm':
      return tpmExceeded(denied.limit);
    case 'qps':
      return qpsExceeded(denied.limit);
    default:
      throw new Error(`no error for rule ${String(denied.name)}`);
  }
}

/** The outcome of RequestLimiter.admit. */
export interface Admission {
  allowed: boolean;
  /** When refused for a limit: the Table 4-19 answer. */
  error?: LimitError;
  /**
   * x-ratelimit-* headers for the response (also on success), and Retry-After when refused.
   */
  headers: Record<string, string>;
  /** Redis could not be asked: `allowed` is the limiter's failure mode. */
  degraded: boolean;
  /** The TPM reservations to settle with the response's real usage. */
  reservations: Reservation[];
  decision: LimitDecision;
}

/**
 * The gateway's use of the limiter: one atomic check per call covering the key's RPM/TPM,
 * the key-and-model RPM/TPM and the service's QPS; the answer and headers to send; and the
 * TPM settlement once the response's usage is known.
 */
export class RequestLimiter {
  private readonly limiter: RateLimiter;

  constructor(limiter: RateLimiter) {
    this.limiter = limiter;
  }

  async admit(request: AdmissionRequest): Promise<Admission> {
    const decision = await this.limiter.check(admissionRules(request));
    const degraded = decision.reason === 'unavailable';
    const headers = rateLimitHeaders(decision);
    const base = { headers, degraded, decision };
    if (decision.allowed) {
      const reservations = decision.reservations.filter(
        (r) => r.name === 'tpm' || r.name === 'model_tpm',
      );
      return { ...base, allowed: true, reservations };
    }
    return {
      ...base,
      allowed: false,
      reservations: [],
      ...(decision.denied ? { error: limitErrorOf(decision.denied) } : {}),
    };
  }

  /**
   * Settles the call's TPM reservations with the tokens it really used (prompt +
   * completion): refunds what was reserved but not used, or charges the extra.
   */
  settle(admission: Admission, usedTokens: number): Promise<SettleResult[]> {
    return Promise.all(admission.reservations.map((r) => this.limiter.settle(r, usedTokens)));
  }
}
