import { applyDecorators } from '@nestjs/common';
import {
  ApiForbiddenResponse,
  ApiOperation,
  ApiSecurity,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { type Action, RequireAction } from '@maas/auth';
import { ErrorBodyDto } from '@maas/errors';

export const AUTH_TOKEN_SCHEME = 'X-Auth-Token';

/**
 * A guarded admin route: requires `action` (IamGuard), and documents it in OpenAPI with the
 * token header and the 401/403 answers.
 */
export function Guarded(action: Action, summary: string, description?: string) {
  return applyDecorators(
    RequireAction(action),
    ApiOperation({
      summary,
      description: `${description ? `${description}\n\n` : ''}Requires the action \`${action}\`.`,
    }),
    ApiSecurity(AUTH_TOKEN_SCHEME),
    ApiUnauthorizedResponse({ type: ErrorBodyDto, description: 'No or invalid X-Auth-Token' }),
    ApiForbiddenResponse({ type: ErrorBodyDto, description: `Policy does not allow ${action}` }),
  );
}
