import { CreateAccounts1763769600000 } from './1763769600000-create-accounts.js';
import { CreateIamModel1763856000000 } from './1763856000000-create-iam-model.js';
import { AccountFreezing1764200000000 } from './1764200000000-account-freezing.js';
import { AccountQuotas1764300000000 } from './1764300000000-account-quotas.js';

/** Every migration, oldest first. Listed, not globbed, so bundles and tests see the same set. */
export const MIGRATIONS = [
  CreateAccounts1763769600000,
  CreateIamModel1763856000000,
  AccountFreezing1764200000000,
  AccountQuotas1764300000000,
];
