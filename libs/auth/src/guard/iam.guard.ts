import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { Caller } from '../token/claims.js';
import { TokenVerificationError, type TokenVerifier } from '../token/token-verifier.js';
import { evaluate } from '../policy/policy.js';
import { actionDenied, invalidToken, missingToken, projectNotFound } from './auth.errors.js';
import { PERMISSION_SOURCE, type PermissionSource, TOKEN_VERIFIER } from './permission-source.js';
import { AUTHENTICATED_ROUTE, PUBLIC_ROUTE, REQUIRED_ACTION } from './require-action.decorator.js';

export type AuthenticatedRequest = FastifyRequest & { caller?: Caller };

/**
 * Verifies `X-Auth-Token` locally, then authorizes the route's `@RequireAction` against the
 * caller's policies (explicit Deny wins) in the project of the path's `project_id`. A project
 * of another account is a 404. A route with neither `@RequireAction` nor `@Public` is refused:
 * forgetting to declare an action never opens a route.
 */
@Injectable()
export class IamGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    @Inject(PERMISSION_SOURCE) private readonly permissions: PermissionSource,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const action = this.reflector.getAllAndOverride<string>(REQUIRED_ACTION, targets);

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const caller = await this.authenticate(request);
    request.caller = caller;

    const projectId = (request.params as Record<string, string> | undefined)?.project_id;
    if (projectId !== undefined) await this.checkProject(caller, projectId);
    if (this.reflector.getAllAndOverride<boolean>(AUTHENTICATED_ROUTE, targets)) return true;
    if (!action) throw actionDenied('(undeclared action)');
    if (caller.root) return true;

    const perms = await this.permissions.permissionsOf(caller.accountId, caller.userId);
    const decision = evaluate(perms?.policies ?? [], action, projectId ?? caller.projectId);
    if (decision !== 'allow') throw actionDenied(action);
    return true;
  }

  private async authenticate(request: FastifyRequest): Promise<Caller> {
    const header = request.headers['x-auth-token'];
    const token = Array.isArray(header) ? header[0] : header;
    if (!token) throw missingToken();
    try {
      return await this.verifier.verify(token);
    } catch (error) {
      if (error instanceof TokenVerificationError) throw invalidToken(error.problem === 'expired');
      throw error;
    }
  }

  private async checkProject(caller: Caller, projectId: string): Promise<void> {
    // A project-scoped token works only in its own project.
    if (caller.projectId !== undefined && caller.projectId !== projectId)
      throw projectNotFound(projectId);
    if (!(await this.permissions.projectBelongsTo(projectId, caller.accountId))) {
      throw projectNotFound(projectId);
    }
  }
}
