import { createHash, timingSafeEqual } from 'node:crypto';
import {
  applyDecorators,
  type CanActivate,
  type DynamicModule,
  type ExecutionContext,
  Inject,
  Injectable,
  Module,
  UseGuards,
} from '@nestjs/common';
import { ApiForbiddenResponse, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ErrorBodyDto } from '@maas/errors';
import { operatorApiDisabled, operatorTokenInvalid } from './auth.errors.js';

export const OPERATOR_TOKEN_HEADER = 'x-operator-token';

/** The OpenAPI security scheme of operator routes (see setupOpenApi in @maas/app). */
export const OPERATOR_SCHEME = 'X-Operator-Token';

export interface OperatorAuthOptions {
  /** The shared secret (OPERATOR_TOKEN); unset, the operator API is disabled (403). */
  token: string | undefined;
  /** What to do instead while the operator API is disabled, told in the 403's message. */
  disabledHint?: string;
}

export const OPERATOR_AUTH = Symbol('OPERATOR_AUTH');

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * The operator API is for the platform operator, not for tenants: it needs the
 * OPERATOR_TOKEN shared secret in X-Operator-Token (401 without it), and is disabled (403)
 * when none is configured. Tenants' tokens and policies play no part.
 */
@Injectable()
export class OperatorGuard implements CanActivate {
  private readonly expected?: Buffer;
  private readonly disabledHint?: string;

  constructor(@Inject(OPERATOR_AUTH) options: OperatorAuthOptions) {
    this.expected = options.token ? digest(options.token) : undefined;
    this.disabledHint = options.disabledHint;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expected) throw operatorApiDisabled(this.disabledHint);
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers[
      OPERATOR_TOKEN_HEADER
    ];
    const given = Array.isArray(header) ? header[0] : header;
    // Compared as digests: constant time, whatever the lengths.
    if (!given || !timingSafeEqual(digest(given), this.expected)) throw operatorTokenInvalid();
    return true;
  }
}

/** Makes OperatorGuard usable on the service's routes (see OperatorOnly). */
@Module({})
export class OperatorAuthModule {
  static forRoot(options: OperatorAuthOptions): DynamicModule {
    return {
      module: OperatorAuthModule,
      global: true,
      providers: [{ provide: OPERATOR_AUTH, useValue: options }, OperatorGuard],
      exports: [OPERATOR_AUTH, OperatorGuard],
    };
  }
}

/**
 * An operator route (or controller): guarded by OperatorGuard, documented in OpenAPI with
 * the X-Operator-Token scheme and the 401/403 answers. Needs OperatorAuthModule.
 */
export function OperatorOnly() {
  return applyDecorators(
    UseGuards(OperatorGuard),
    ApiSecurity(OPERATOR_SCHEME),
    ApiUnauthorizedResponse({
      type: ErrorBodyDto,
      description: 'Missing or wrong X-Operator-Token',
    }),
    ApiForbiddenResponse({
      type: ErrorBodyDto,
      description: 'Operator API disabled (no OPERATOR_TOKEN)',
    }),
  );
}
