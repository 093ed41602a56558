/**
 * The gateway's answers when a limit refuses a call, as seed 002 Table 4-19 gives them
 * (HTTP status, error_code, error_msg). The seed gives no message for ModelArts.4206 (service
 * QPS exceeded, seed 002 §4.2); ours follows the style of the other two.
 */
export const LimitErrorCode = {
  /** RPM traffic control verification failed. */
  RpmExceeded: 'ModelArts.81101',
  /** TPM traffic control verification failed. */
  TpmExceeded: 'ModelArts.81103',
  /** The model service's QPS limit is exceeded. */
  QpsExceeded: 'ModelArts.4206',
  /** The free token quota of a preset model is used up (quotas' FreeQuotaExhausted). */
  FreeQuotaUsedUp: 'ModelArts.81005',
} as const;
export type LimitErrorCode = (typeof LimitErrorCode)[keyof typeof LimitErrorCode];

/** A gateway error answer: `{"error_code": code, "error_msg": message}` with `status`. */
export interface LimitError {
  status: number;
  code: LimitErrorCode;
  message: string;
}

/** 429 ModelArts.81101, "Too many requests, exceeded rate limit is {rpm} times per minute." */
export function rpmExceeded(rpm: number): LimitError {
  return {
    status: 429,
    code: LimitErrorCode.RpmExceeded,
    message: `Too many requests, exceeded rate limit is ${rpm} times per minute.`,
  };
}

/** 429 ModelArts.81103, "Too many requests. exceeded rate limit is %s tokens per minute." */
export function tpmExceeded(tpm: number): LimitError {
  return {
    status: 429,
    code: LimitErrorCode.TpmExceeded,
    message: `Too many requests. exceeded rate limit is ${tpm} tokens per minute.`,
  };
}

/** 429 ModelArts.4206: the service's QPS limit. */
export function qpsExceeded(qps: number): LimitError {
  return {
    status: 429,
    code: LimitErrorCode.QpsExceeded,
    message: `Too many requests, exceeded the service's rate limit of ${qps} queries per second.`,
  };
}

/** 401 ModelArts.81005, "The free quota has been used up." */
export function freeQuotaUsedUp(): LimitError {
  return {
    status: 401,
    code: LimitErrorCode.FreeQuotaUsedUp,
    message: 'The free quota has been used up.',
  };
}
