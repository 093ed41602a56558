import { SetMetadata } from '@nestjs/common';
import type { Action } from '../policy/actions.js';

export const REQUIRED_ACTION = 'maas:required-action';
export const PUBLIC_ROUTE = 'maas:public-route';

/** The IAM action a route requires, checked against the caller's policies by `IamGuard`. */
export const RequireAction = (action: Action) => SetMetadata(REQUIRED_ACTION, action);

/** A route that needs no token (health, token issuance, JWKS, metrics). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);
