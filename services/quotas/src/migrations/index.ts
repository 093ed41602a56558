import { CreateQuotas1764000000001 } from './1764000000001-create-quotas.js';
import { UsageFailedRequests1764000000002 } from './1764000000002-usage-failed-requests.js';

/** Every migration, oldest first. Listed, not globbed, so bundles and tests see the same set. */
export const MIGRATIONS = [CreateQuotas1764000000001, UsageFailedRequests1764000000002];
