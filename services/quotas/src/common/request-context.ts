import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { type AuthenticatedRequest, type Caller } from '@maas/auth';

/** Who asks, and the request id that every event of the change carries. */
export interface RequestContext {
  caller: Caller;
  requestId: string;
}

/** The verified caller (set by IamGuard) and the request id, for a use case. */
export const Ctx = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestContext => {
  const request = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!request.caller) throw new Error('Ctx used on a route without IamGuard');
  return { caller: request.caller, requestId: String(request.id) };
});
