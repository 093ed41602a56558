import { CreateKeys1764000000000 } from './1764000000000-create-keys.js';
import { KeyFreezing1764200000000 } from './1764200000000-key-freezing.js';

/** Every migration, oldest first. Listed, not globbed, so bundles and tests see the same set. */
export const MIGRATIONS = [CreateKeys1764000000000, KeyFreezing1764200000000];
