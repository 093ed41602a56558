export { assertUnreachable } from './assert-unreachable.js';
export { DomainError, type DomainErrorOptions, type ErrorKind } from './domain-error.js';
export { CommonErrorCode, codeForStatus, type ErrorBody } from './error-body.js';
export { ErrorBodyDto } from './error-body.dto.js';
export { toErrorResponse, type ErrorResponse } from './error-response.js';
export { MaasExceptionFilter } from './exception-filter.js';
export { statusOfKind } from './http-status.js';
export {
  createValidationPipe,
  fieldErrors,
  RequestValidationError,
  type FieldError,
} from './validation.js';
