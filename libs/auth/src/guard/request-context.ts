import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Caller } from '../token/claims.js';
import type { AuthenticatedRequest } from './iam.guard.js';

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

/** A RequestContext of a route under `/v1/:project_id/…`: also the path's project. */
export interface ProjectRequestContext extends RequestContext {
  /** The path's project, which IamGuard checked belongs to the caller's account. */
  projectId: string;
}

/** The verified caller (set by IamGuard), the path's project and the request id. */
export const ProjectCtx = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): ProjectRequestContext => {
    const request = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
    if (!request.caller) throw new Error('ProjectCtx used on a route without IamGuard');
    const projectId = (request.params as Record<string, string> | undefined)?.project_id;
    if (!projectId) throw new Error('ProjectCtx used on a route without :project_id');
    return { caller: request.caller, projectId, requestId: String(request.id) };
  },
);

/** The request id alone (routes without a caller, e.g. operator routes). */
export const RequestId = createParamDecorator((_: unknown, ctx: ExecutionContext): string =>
  String(ctx.switchToHttp().getRequest<AuthenticatedRequest>().id),
);
