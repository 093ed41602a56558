import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { type AuthenticatedRequest, type Caller } from '@maas/auth';

/** Who asks, in which project, and the request id every event of the change carries. */
export interface RequestContext {
  caller: Caller;
  projectId: string;
  requestId: string;
}

/** The verified caller (set by IamGuard), the path's project and the request id. */
export const Ctx = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestContext => {
  const request = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!request.caller) throw new Error('Ctx used on a route without IamGuard');
  const projectId = (request.params as Record<string, string> | undefined)?.project_id;
  if (!projectId) throw new Error('Ctx used on a route without :project_id');
  return { caller: request.caller, projectId, requestId: String(request.id) };
});
