import { Inject, Injectable } from '@nestjs/common';
import { IamProjection, projectNotFound } from '@maas/auth';
import { type FieldError, RequestValidationError } from '@maas/errors';
import { OutboxWriter } from '@maas/events';
import { QUOTAS_CONFIG, type QuotasConfig } from '../../config.js';
import { FreeQuotaTracker } from '../../free-quota/free-quota.tracker.js';
import { type QuotaChangeRequest } from '../dto/quotas.dto.js';
import {
  ACCOUNT_RESOURCES,
  effectiveLimits,
  type QuotaOverride,
} from '../../effective-limits/quota-limits.js';
import { quotaLimitsChanged } from '../quota-limits.events.js';
import { QuotaOverridesRepository } from '../../effective-limits/quota-overrides.repository.js';

type Change = Omit<QuotaOverride, 'value'> & { value: number | null };

/** uint32 on the wire for everything but free tokens. */
const MAX_UINT32 = 4_294_967_295;

/** Which field a change of each type names, and which it must not. */
function problemsOf(change: QuotaChangeRequest, i: number): FieldError[] {
  const at = (field: string, message: string) => ({
    field: `resources.${i}.${field}`,
    messages: [message],
  });
  const problems: FieldError[] = [];
  const needsPool = change.type === 'pool_npus';
  const needsModel = change.type === 'free_tokens';
  if (needsPool !== (change.pool_id !== undefined)) {
    problems.push(
      at(
        'pool_id',
        needsPool ? 'pool_npus needs a pool_id' : `pool_id does not go with ${change.type}`,
      ),
    );
  }
  if (needsModel !== (change.model !== undefined)) {
    problems.push(
      at(
        'model',
        needsModel ? 'free_tokens needs a model' : `model does not go with ${change.type}`,
      ),
    );
  }
  if (change.type !== 'free_tokens' && (change.quota ?? 0) > MAX_UINT32) {
    problems.push(at('quota', `quota must be at most ${MAX_UINT32}`));
  }
  return problems;
}

/**
 * Applies the operator's quota overrides (or resets them to the defaults) for a project and
 * its account, under the account's lock; publishes the account's quotas in force
 * (QuotaLimitsChanged) and re-evaluates its free token quotas (a raised quota ends an
 * exhaustion; a lowered one may start one). The operator names the project; its account
 * comes from the IAM projection (an unknown project is a 404).
 */
@Injectable()
export class SetQuotas {
  constructor(
    private readonly overrides: QuotaOverridesRepository,
    private readonly freeQuota: FreeQuotaTracker,
    private readonly outbox: OutboxWriter,
    private readonly projection: IamProjection,
    @Inject(QUOTAS_CONFIG) private readonly config: QuotasConfig,
  ) {}

  /** Returns the project's account. */
  async execute(
    projectId: string,
    changes: QuotaChangeRequest[],
    requestId: string,
  ): Promise<string> {
    const problems = changes.flatMap(problemsOf);
    if (problems.length > 0) throw new RequestValidationError(problems);
    const accountId = await this.projection.accountOfProject(projectId);
    if (!accountId) throw projectNotFound(projectId);
    const rows: Change[] = changes.map((c) => ({
      projectId: ACCOUNT_RESOURCES.has(c.type) ? '' : projectId,
      resource: c.type,
      subject: c.pool_id ?? c.model ?? '',
      value: c.quota ?? null,
    }));
    await this.overrides.inAccount(accountId, async (manager) => {
      for (const row of rows) await this.overrides.put(manager, accountId, row);
      const limits = effectiveLimits(
        this.config,
        await this.overrides.ofAccount(accountId, manager),
      );
      const version = await this.overrides.nextVersion(manager, accountId);
      await this.outbox.append(manager, quotaLimitsChanged(accountId, limits, version, requestId));
      await this.freeQuota.reconcile(manager, accountId, limits);
    });
    return accountId;
  }
}
