import { CreateQuotas1764000000001 } from './1764000000001-create-quotas.js';

/** Every migration, oldest first. Listed, not globbed, so bundles and tests see the same set. */
export const MIGRATIONS = [CreateQuotas1764000000001];
