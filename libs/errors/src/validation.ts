import { ValidationPipe, type ValidationError, type ValidationPipeOptions } from '@nestjs/common';
import { DomainError } from './domain-error.js';
import { CommonErrorCode } from './error-body.js';

export interface FieldError {
  /** Dotted path of the field, e.g. `name` or `config.0.model_id`. */
  field: string;
  messages: string[];
}

/** A request body, query or path failed validation: 400 naming every bad field. */
export class RequestValidationError extends DomainError {
  constructor(readonly fields: FieldError[]) {
    const summary = fields.flatMap((f) => f.messages).join('; ');
    super(CommonErrorCode.BadRequest, 'validation', `Invalid request: ${summary}`, {
      details: { fields },
    });
  }
}

/** Flattens class-validator's error tree; nested messages get their parent path. */
export function fieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((m) => (parent ? `${parent}.${m}` : m));
    const here = own.length > 0 ? [{ field, messages: own }] : [];
    return [...here, ...fieldErrors(error.children ?? [], field)];
  });
}

/**
 * The global ValidationPipe: strips nothing silently (unknown fields are rejected),
 * transforms payloads to their DTO classes, and reports a RequestValidationError.
 */
export function createValidationPipe(options: ValidationPipeOptions = {}): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors: ValidationError[]) =>
      new RequestValidationError(fieldErrors(errors)),
    ...options,
  });
}
