import { applyDecorators } from '@nestjs/common';
import {
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiSecurity,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorBodyDto } from '@maas/errors';
import type { Action } from '../policy/actions.js';
import { Authenticated, RequireAction } from './require-action.decorator.js';

/** The OpenAPI security scheme of routes that take an IAM token (see setupOpenApi in @maas/app). */
export const AUTH_TOKEN_SCHEME = 'X-Auth-Token';

const withNote = (description: string | undefined, note: string) =>
  `${description ? `${description}\n\n` : ''}${note}`;

/**
 * A guarded admin route: requires `action` (IamGuard), and documents it in OpenAPI with the
 * token header and the 401/403 answers.
 */
export function Guarded(action: Action, summary: string, description?: string) {
  return applyDecorators(
    RequireAction(action),
    ApiOperation({
      summary,
      description: withNote(description, `Requires the action \`${action}\`.`),
    }),
    ApiSecurity(AUTH_TOKEN_SCHEME),
    ApiUnauthorizedResponse({ type: ErrorBodyDto, description: 'No or invalid X-Auth-Token' }),
    ApiForbiddenResponse({ type: ErrorBodyDto, description: `Policy does not allow ${action}` }),
  );
}

/**
 * A guarded route under `/v1/:project_id/…`: Guarded, plus the 404 IamGuard answers when the
 * project (or the resource) is not in the caller's account.
 */
export function ProjectGuarded(action: Action, summary: string, description?: string) {
  return applyDecorators(
    Guarded(action, summary, description),
    ApiNotFoundResponse({
      type: ErrorBodyDto,
      description: "No such project (or resource) in the caller's account",
    }),
  );
}

/** A route any authenticated caller may call about itself. */
export function SelfService(summary: string, description?: string) {
  return applyDecorators(
    Authenticated(),
    ApiOperation({
      summary,
      description: withNote(description, 'Any valid token; no action required.'),
    }),
    ApiSecurity(AUTH_TOKEN_SCHEME),
    ApiUnauthorizedResponse({ type: ErrorBodyDto, description: 'No or invalid X-Auth-Token' }),
  );
}
