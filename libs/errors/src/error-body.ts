/** The public error body of every API (seed: `{"error_code": "...", "error_msg": "..."}` plus a request id). */
export interface ErrorBody {
  error_code: string;
  error_msg: string;
  request_id: string;
  /** Optional safe details, e.g. the fields a validation error is about. */
  details?: Record<string, unknown>;
}

/** Codes of the errors not raised by a feature (framework, validation, unknown). */
export enum CommonErrorCode {
  BadRequest = 'MAAS.0400',
  Unauthorized = 'MAAS.0401',
  Forbidden = 'MAAS.0403',
  NotFound = 'MAAS.0404',
  MethodNotAllowed = 'MAAS.0405',
  PayloadTooLarge = 'MAAS.0413',
  UriTooLong = 'MAAS.0414',
  UnsupportedMediaType = 'MAAS.0415',
  HeaderFieldsTooLarge = 'MAAS.0431',
  Internal = 'MAAS.0500',
  Unavailable = 'MAAS.0503',
}

/** `MAAS.0` + the HTTP status, e.g. MAAS.0413; the enum names the common ones. */
export function codeForStatus(status: number): string {
  return `MAAS.${String(status).padStart(4, '0')}`;
}
