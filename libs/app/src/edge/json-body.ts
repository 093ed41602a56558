import { CommonErrorCode, DomainError, RequestValidationError } from '@maas/errors';
import { exceedsDepth, findInvalidInput } from './input-rules.js';

/** Deepest nesting of arrays and objects a JSON body may have by default. */
export const DEFAULT_MAX_JSON_DEPTH = 32;

/** A body that is not JSON at all: 400 without a snippet of it (V8's message quotes the input). */
export class InvalidJsonError extends DomainError {
  constructor(position?: number) {
    super(CommonErrorCode.BadRequest, 'validation', 'The request body is not valid JSON', {
      details: position === undefined ? undefined : { position },
    });
  }
}

/** A body nested deeper than the limit, refused before it is parsed. */
export class JsonTooDeepError extends DomainError {
  constructor(readonly maxDepth: number) {
    super(
      CommonErrorCode.BadRequest,
      'validation',
      `The JSON body is nested deeper than ${maxDepth} levels`,
      { details: { max_depth: maxDepth } },
    );
  }
}

function positionOf(error: unknown): number | undefined {
  const match = error instanceof SyntaxError ? /position (\d+)/.exec(error.message) : null;
  return match ? Number(match[1]) : undefined;
}

/**
 * Parses a JSON request body under the edge rules: the depth bound first (on the text), then
 * JSON.parse, then every key, string and number (input-rules.ts). An empty body is no body
 * (undefined): a route that declares one answers 400 from the validation pipe. Throws a
 * DomainError the exception filter renders as our 400 error body.
 */
export function parseJsonBody(text: string, maxDepth = DEFAULT_MAX_JSON_DEPTH): unknown {
  if (text.trim() === '') return undefined;
  if (exceedsDepth(text, maxDepth)) throw new JsonTooDeepError(maxDepth);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidJsonError(positionOf(error));
  }
  const finding = findInvalidInput(value);
  if (finding)
    throw new RequestValidationError([{ field: finding.field, messages: [finding.message] }]);
  return value;
}
