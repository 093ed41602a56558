import { createHash, timingSafeEqual } from 'node:crypto';
import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';
import { IAM_CONFIG, type IamConfig } from '../config.js';
import { OperatorApiDisabledError, OperatorTokenInvalidError } from './accounts.errors.js';

export const OPERATOR_TOKEN_HEADER = 'x-operator-token';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * The operator API (accounts) is for the platform operator, not for tenants: it needs the
 * OPERATOR_TOKEN shared secret in X-Operator-Token, and is disabled when none is configured.
 */
@Injectable()
export class OperatorGuard implements CanActivate {
  private readonly expected?: Buffer;

  constructor(@Inject(IAM_CONFIG) config: Pick<IamConfig, 'OPERATOR_TOKEN'>) {
    this.expected = config.OPERATOR_TOKEN ? digest(config.OPERATOR_TOKEN) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expected) throw new OperatorApiDisabledError();
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers[
      OPERATOR_TOKEN_HEADER
    ];
    const given = Array.isArray(header) ? header[0] : header;
    // Compared as digests: constant time, whatever the lengths.
    if (!given || !timingSafeEqual(digest(given), this.expected))
      throw new OperatorTokenInvalidError();
    return true;
  }
}
