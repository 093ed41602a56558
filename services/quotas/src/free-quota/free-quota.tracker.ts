import { Inject, Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { OutboxWriter } from '@maas/events';
import { QUOTAS_CONFIG, type QuotasConfig } from '../config.js';
import {
  type EffectiveLimits,
  effectiveLimits,
  freeTokenQuota,
} from '../effective-limits/quota-limits.js';
import { QuotaOverridesRepository } from '../effective-limits/quota-overrides.repository.js';
import { freeQuotaExhausted, freeQuotaRestored } from './free-quota.events.js';
import { FreeQuotaRepository, type FreeTokenUsage } from './free-quota.repository.js';

/**
 * Counts the free tokens of preset models and publishes exactly one FreeQuotaExhausted when
 * a project's use reaches its quota: the row is locked while it is evaluated and
 * `exhausted_at` records the crossing in the same transaction as the event, so neither a
 * redelivery, nor another replica, nor a later usage emits it again. Raising the quota
 * above the use clears the mark (FreeQuotaRestored); the next exhaustion emits once more.
 */
@Injectable()
export class FreeQuotaTracker {
  constructor(
    private readonly usage: FreeQuotaRepository,
    private readonly overrides: QuotaOverridesRepository,
    private readonly outbox: OutboxWriter,
    @Inject(QUOTAS_CONFIG) private readonly config: QuotasConfig,
  ) {}

  /** Adds preset-model usage (inside the ledger's transaction). */
  async record(
    manager: EntityManager,
    usage: readonly { accountId: string; projectId: string; model: string; tokens: number }[],
  ): Promise<void> {
    const rows = await this.usage.add(manager, usage);
    const limits = new Map<string, EffectiveLimits>();
    for (const row of rows) {
      let account = limits.get(row.accountId);
      if (!account) {
        account = effectiveLimits(
          this.config,
          await this.overrides.ofAccount(row.accountId, manager),
        );
        limits.set(row.accountId, account);
      }
      await this.evaluate(manager, row, freeTokenQuota(account, row.projectId, row.model));
    }
  }

  /** Re-evaluates the account's rows after its quotas changed (inside that transaction). */
  async reconcile(
    manager: EntityManager,
    accountId: string,
    limits: EffectiveLimits,
  ): Promise<void> {
    for (const row of await this.usage.ofAccountForUpdate(manager, accountId)) {
      await this.evaluate(manager, row, freeTokenQuota(limits, row.projectId, row.model));
    }
  }

  private async evaluate(
    manager: EntityManager,
    row: FreeTokenUsage,
    quota: number,
  ): Promise<void> {
    const exhausted = row.used >= quota;
    if (exhausted && row.exhaustedAt === null) {
      await this.usage.setExhausted(manager, row.projectId, row.model, true);
      await this.outbox.append(manager, freeQuotaExhausted(row, quota));
    } else if (!exhausted && row.exhaustedAt !== null) {
      await this.usage.setExhausted(manager, row.projectId, row.model, false);
      await this.outbox.append(manager, freeQuotaRestored(row, quota));
    }
  }
}
