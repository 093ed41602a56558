import { CreateDeployments1764000000000 } from './1764000000000-create-deployments.js';
import { ReconcilerNotify1765000000000 } from './1765000000000-reconciler-notify.js';
import { PresetServices1766000000000 } from './1766000000000-preset-services.js';
import { PoolAccountIsolation1767000000000 } from './1767000000000-pool-account-isolation.js';
import { EdgePools1768500000000 } from './1768500000000-edge-pools.js';
import { PoolNpuLimits1768700000000 } from './1768700000000-pool-npu-limits.js';

/** Every migration, oldest first. Listed, not globbed, so bundles and tests see the same set. */
export const MIGRATIONS = [
  CreateDeployments1764000000000,
  ReconcilerNotify1765000000000,
  PresetServices1766000000000,
  PoolAccountIsolation1767000000000,
  EdgePools1768500000000,
  PoolNpuLimits1768700000000,
];
