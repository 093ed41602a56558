// @maas/limiter: the exact, shared rate limiter of the gateway (Redis, one Lua script per
// check), its RPM/TPM/QPS admission with TPM reserve-and-settle, the x-ratelimit-* headers,
// and the Table 4-19 answers of a refused call.
export {
  createLimiterRedis,
  limiterRedisOptions,
  RateLimiter,
  type FailureMode,
  type LimitDecision,
  type LimitRule,
  type RateLimiterOptions,
  type Reservation,
  type RuleOutcome,
  type SettleResult,
} from './rate-limiter.js';
export {
  admissionRules,
  limitErrorOf,
  MINUTE_MS,
  RequestLimiter,
  SECOND_MS,
  type Admission,
  type AdmissionRequest,
  type AdmissionRuleName,
  type RpmTpm,
} from './request-limiter.js';
export { formatResetDuration, rateLimitHeaders } from './headers.js';
export {
  freeQuotaUsedUp,
  LimitErrorCode,
  qpsExceeded,
  rpmExceeded,
  tpmExceeded,
  type LimitError,
} from './error-codes.js';
export { CHECK_SCRIPT, SETTLE_SCRIPT } from './scripts.js';
