import { HttpStatus } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type FastifyInstance, type FastifyRequest } from 'fastify';
import { CommonErrorCode, DomainError, RequestValidationError } from '@maas/errors';
import { findInvalidInput, parameterProblem } from './input-rules.js';
import { DEFAULT_MAX_JSON_DEPTH, parseJsonBody } from './json-body.js';
import { allowedMethods, MethodNotAllowedError } from './method-not-allowed.js';

export interface RequestHygieneOptions {
  /** Deepest nesting of arrays and objects a JSON body may have (default 32). */
  maxJsonDepth?: number;
  /** Largest body in bytes, enforced while it arrives: 413 (default: Fastify's, 1 MiB). */
  bodyLimit?: number;
}

/** The only media type our request bodies have (every documented body is JSON). */
const JSON_MEDIA_TYPE = 'application/json';

/** A body sent as anything but JSON (form data, text/plain…): 415, not parsed. */
export class UnsupportedMediaTypeError extends DomainError {
  constructor() {
    // The sent Content-Type is not echoed: it is the caller's text.
    super(
      CommonErrorCode.UnsupportedMediaType,
      'validation',
      `Send the request body as ${JSON_MEDIA_TYPE}`,
      { status: HttpStatus.UNSUPPORTED_MEDIA_TYPE, details: { supported: [JSON_MEDIA_TYPE] } },
    );
  }
}

/** A body that is not UTF-8 (JSON text is UTF-8, RFC 8259 §8.1); it would be altered, not stored. */
export class InvalidEncodingError extends DomainError {
  constructor() {
    super(CommonErrorCode.BadRequest, 'validation', 'The request body is not valid UTF-8');
  }
}

/**
 * Route config (`config` of a plain Fastify route) that exempts a route from the media type
 * and parameter checks: for a route that reads its body itself in a scope with its own
 * parser and answers in another error format (e.g. the gateway's OpenAI-compatible routes).
 */
export const INPUT_HYGIENE_OFF = { inputHygiene: false } as const;

function exempt(request: FastifyRequest): boolean {
  const config = request.routeOptions.config as { inputHygiene?: boolean } | undefined;
  return config?.inputHygiene === false;
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return (
    request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
  );
}

function mediaTypeOf(request: FastifyRequest): string {
  return (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

/** Before the body is read: 405 for a path served under other methods, 415 for non-JSON. */
function checkRoute(fastify: FastifyInstance, request: FastifyRequest): DomainError | undefined {
  if (request.is404) {
    const allowed = allowedMethods(fastify, request.method, request.url);
    return allowed.length > 0 ? new MethodNotAllowedError(request.method, allowed) : undefined;
  }
  if (exempt(request)) return undefined;
  if (hasBody(request) && mediaTypeOf(request) !== JSON_MEDIA_TYPE) {
    return new UnsupportedMediaTypeError();
  }
  return undefined;
}

/** Path and query parameters: no NUL or lone surrogate, no number beyond what a column holds. */
function checkParameters(request: FastifyRequest): RequestValidationError | undefined {
  if (request.is404 || exempt(request)) return undefined;
  const finding =
    findInvalidInput(request.params, parameterProblem) ??
    findInvalidInput(request.query, parameterProblem);
  return finding
    ? new RequestValidationError([{ field: finding.field, messages: [finding.message] }])
    : undefined;
}

/**
 * Input hygiene at the edge, the same for every service (SPEC §10: bad input is a clear 4xx,
 * never a 500 from PostgreSQL or a stack overflow): JSON is the only body media type (415),
 * parsed under a size limit (413), a depth limit, and the rules of input-rules.ts (400
 * naming the field), path and query parameters checked by the same rules, and 405 with
 * `Allow` for a method a path does not support. Call before the application initializes
 * (setupApp does): the parser must be in place before Nest registers its defaults.
 */
export function installRequestHygiene(
  app: NestFastifyApplication,
  options: RequestHygieneOptions = {},
): void {
  const fastify: FastifyInstance = app.getHttpAdapter().getInstance();
  const maxDepth = options.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH;
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  app.useBodyParser(
    JSON_MEDIA_TYPE,
    { bodyLimit: options.bodyLimit ?? fastify.initialConfig.bodyLimit },
    (_request, body, done) => {
      let text: string;
      try {
        text = utf8.decode(body);
      } catch {
        done(new InvalidEncodingError(), undefined);
        return;
      }
      try {
        done(null, parseJsonBody(text, maxDepth));
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );
  fastify.addHook('preParsing', (request, _reply, payload, done) => {
    const refused = checkRoute(fastify, request);
    if (refused) done(refused);
    else done(null, payload);
  });
  fastify.addHook('preValidation', (request, _reply, done) => {
    const refused = checkParameters(request);
    if (refused) done(refused);
    else done();
  });
}
