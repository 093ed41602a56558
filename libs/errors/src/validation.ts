import {
  type ArgumentMetadata,
  ValidationPipe,
  type ValidationError,
  type ValidationPipeOptions,
} from '@nestjs/common';
import { DomainError } from './domain-error.js';
import { CommonErrorCode } from './error-body.js';
import { nullFieldErrors } from './null-fields.js';

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

/** The body as a whole is missing or not an object: 400 on the field `body`. */
class RequestBodyError extends RequestValidationError {
  constructor(message: string) {
    super([{ field: 'body', messages: [message] }]);
  }
}

/**
 * A route that declares a body (`@Body() dto: SomeRequest`) needs one, and it must be a JSON
 * object: Nest's pipe would validate a missing body as `{}` (so a PATCH or POST whose fields
 * are all optional answered 200/201 to nothing) and a `5` or `[]` against a stand-in object.
 * A missing body is still validated as `{}` first, so the answer names the required fields
 * when there are some; `{}` remains a valid body where every field is optional.
 */
class MaasValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && metadata.metatype && this.toValidate(metadata)) {
      if (value === undefined) {
        await super.transform({}, metadata);
        throw new RequestBodyError('A JSON request body is required');
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new RequestBodyError('The request body must be a JSON object');
      }
      // null only where the contract says nullable (null-fields.ts): @IsOptional admits it.
      const nulls = nullFieldErrors(value, metadata.metatype);
      if (nulls.length > 0) throw new RequestValidationError(nulls);
    }
    return super.transform(value, metadata);
  }
}

/**
 * The global ValidationPipe: strips nothing silently (unknown fields are rejected),
 * transforms payloads to their DTO classes, requires the body a route declares, and reports
 * a RequestValidationError.
 */
export function createValidationPipe(options: ValidationPipeOptions = {}): ValidationPipe {
  return new MaasValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors: ValidationError[]) =>
      new RequestValidationError(fieldErrors(errors)),
    ...options,
  });
}
