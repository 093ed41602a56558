import { SetMetadata } from '@nestjs/common';
import type { Action } from '../policy/actions.js';

export const REQUIRED_ACTION = 'maas:required-action';
export const PUBLIC_ROUTE = 'maas:public-route';
export const AUTHENTICATED_ROUTE = 'maas:authenticated-route';

/** The IAM action a route requires, checked against the caller's policies by `IamGuard`. */
export const RequireAction = (action: Action) => SetMetadata(REQUIRED_ACTION, action);

/** A route that needs no token (health, token issuance, JWKS, metrics). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/**
 * A route any valid token may call, with no action to hold: a caller asking about itself
 * (e.g. "which permissions do I lack"). The caller is still verified and set, and a
 * `project_id` in the path must still be the caller's.
 */
export const Authenticated = () => SetMetadata(AUTHENTICATED_ROUTE, true);
