import { CreateDeployments1764000000000 } from './1764000000000-create-deployments.js';

/** Every migration, oldest first. Listed, not globbed, so bundles and tests see the same set. */
export const MIGRATIONS = [CreateDeployments1764000000000];
