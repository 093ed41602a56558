import { HttpStatus } from '@nestjs/common';
import { type FastifyInstance } from 'fastify';
import { CommonErrorCode, DomainError } from '@maas/errors';

/** The methods a route of ours can have (HEAD comes with every GET). */
const ROUTE_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** A path we serve, asked with a method it does not support (RFC 9110 §15.5.6). */
export class MethodNotAllowedError extends DomainError {
  constructor(method: string, allowed: readonly string[]) {
    super(
      CommonErrorCode.MethodNotAllowed,
      'validation',
      `This resource does not support ${method}; use ${allowed.join(', ')}`,
      { status: HttpStatus.METHOD_NOT_ALLOWED, headers: { allow: allowed.join(', ') } },
    );
  }
}

/**
 * For a request the router found no route for: the methods its path does have. Empty when
 * the path is unknown under every method (a plain 404). `method` is the request's, which
 * may be one no route uses (TRACE, CONNECT's cousins Node accepts, …).
 */
export function allowedMethods(fastify: FastifyInstance, method: string, url: string): string[] {
  return ROUTE_METHODS.filter(
    (candidate) => candidate !== method && fastify.findRoute({ method: candidate, url }) !== null,
  );
}
