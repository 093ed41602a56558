import { CreateKeys1764000000000 } from './1764000000000-create-keys.js';

/** Every migration, oldest first. Listed, not globbed, so bundles and tests see the same set. */
export const MIGRATIONS = [CreateKeys1764000000000];
