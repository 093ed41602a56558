import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Caller } from '../token/claims.js';
import type { AuthenticatedRequest } from './iam.guard.js';

/** The verified caller of the request (set by IamGuard). */
export const CurrentCaller = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller => {
  const caller = ctx.switchToHttp().getRequest<AuthenticatedRequest>().caller;
  if (!caller) throw new Error('CurrentCaller used on a route without IamGuard');
  return caller;
});
