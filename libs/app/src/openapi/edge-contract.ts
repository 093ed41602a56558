import { HttpStatus } from '@nestjs/common';
import {
  type OpenAPIObject,
  type OperationObject,
  type ParameterObject,
  type PathItemObject,
  type ReferenceObject,
  type ResponsesObject,
} from '@nestjs/swagger';

/** The schema name of our error body (ErrorBodyDto of @maas/errors) in every document. */
export const ERROR_BODY_SCHEMA = 'ErrorBodyDto';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'] as const;
type Method = (typeof METHODS)[number];

/** Methods whose requests may carry a body that the edge parses (or refuses). */
const BODY_METHODS: ReadonlySet<Method> = new Set(['post', 'put', 'patch', 'delete']);

/**
 * The answers the edge (Fastify and edge/request-hygiene.ts) gives on any route, before the
 * route's own code runs, each in our error body: they belong to every operation's contract
 * (SPEC §10: bad input is a clear 4xx), so they are listed once here, not on each route.
 */
const EVERY_OPERATION: readonly [number, string][] = [
  [
    HttpStatus.BAD_REQUEST,
    'The request is invalid: a malformed URL, or a path or query parameter that cannot be ' +
      'taken (NUL or another unstorable character, a number beyond 2^53 − 1), named in details',
  ],
  [HttpStatus.URI_TOO_LONG, 'The URL is longer than the server accepts'],
  // Nest's HttpStatus has no 431 (RFC 6585).
  [431, 'The request headers are larger than accepted'],
];

/** The edge's answers about a request body (a body may come with any of these methods). */
const BODY_OPERATION: readonly [number, string][] = [
  [
    HttpStatus.BAD_REQUEST,
    'The request is invalid: a malformed URL or JSON body (not UTF-8, nested deeper than ' +
      'allowed, a reserved key such as __proto__), a missing required body, an invalid field, ' +
      'or a parameter that cannot be taken; the field is named in details',
  ],
  [HttpStatus.PAYLOAD_TOO_LARGE, 'The request body is larger than accepted'],
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE, 'The request body is not application/json'],
];

function isReference(value: unknown): value is ReferenceObject {
  return typeof value === 'object' && value !== null && '$ref' in value;
}

function errorResponse(description: string) {
  return {
    description,
    content: {
      'application/json': { schema: { $ref: `#/components/schemas/${ERROR_BODY_SCHEMA}` } },
    },
  };
}

/** `{project_id}` etc. of a path template, in order. */
export function pathTemplateNames(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
}

/**
 * Declares each path template parameter the operation does not declare itself. Routes read
 * some of them outside Nest's @Param (IamGuard and the Ctx decorator take `project_id` from
 * the request), which the swagger scanner cannot see; without a declaration the operation is
 * not valid OpenAPI (3.0 §4.7.12: a template parameter MUST be declared) and tools refuse it.
 */
function declarePathParameters(path: string, operation: OperationObject): void {
  const parameters = (operation.parameters ??= []);
  const declared = new Set(
    parameters
      .filter((p): p is ParameterObject => !isReference(p) && p.in === 'path')
      .map((p) => p.name),
  );
  const missing = pathTemplateNames(path).filter((name) => !declared.has(name));
  const added: ParameterObject[] = missing.map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string', minLength: 1 },
    ...(name === 'project_id' ? { description: "A project of the caller's account" } : {}),
  }));
  // Template parameters first, in the path's order, as the scanner lists its own.
  operation.parameters = [...added, ...parameters];
}

/** Adds the edge's statuses an operation does not list yet (a route's own wording wins). */
function listEdgeStatuses(method: Method, operation: OperationObject): void {
  const responses: ResponsesObject = (operation.responses ??= {});
  const edge = BODY_METHODS.has(method)
    ? [...BODY_OPERATION, ...EVERY_OPERATION.slice(1)]
    : EVERY_OPERATION;
  for (const [status, description] of edge) {
    responses[String(status)] ??= errorResponse(description);
  }
}

/**
 * Completes a scanned document into a contract (SPEC §10, the admin APIs' error body): every
 * path template parameter declared, and every status the edge answers with listed, with our
 * error body, on every operation. Changes the document in place and returns it.
 */
export function completeEdgeContract(document: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries<PathItemObject>(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      declarePathParameters(path, operation);
      listEdgeStatuses(method, operation);
    }
  }
  return document;
}
