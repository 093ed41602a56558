import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { quoteIdent } from '@maas/database';
import { QUOTAS_CONFIG, type QuotasConfig } from '../config.js';
import { type QuotaOverride, type ResourceType } from './quota-limits.js';

/** Every query on quota overrides and their snapshot versions. */
@Injectable()
export class QuotaOverridesRepository {
  private readonly s: string;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(QUOTAS_CONFIG) config: QuotasConfig,
  ) {
    this.s = quoteIdent(config.DB_SCHEMA);
  }

  /** A transaction holding the account's lock: its quota changes apply one at a time. */
  inAccount<T>(accountId: string, change: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(
        `SELECT pg_advisory_xact_lock(hashtext('quotas.account'), hashtext($1))`,
        [accountId],
      );
      return change(manager);
    });
  }

  async ofAccount(
    accountId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<QuotaOverride[]> {
    const rows = await manager.query<
      { project_id: string; resource: ResourceType; subject: string; value: string }[]
    >(
      `SELECT project_id, resource, subject, value FROM ${this.s}.quota_overrides WHERE account_id = $1`,
      [accountId],
    );
    return rows.map((r) => ({
      projectId: r.project_id,
      resource: r.resource,
      subject: r.subject,
      value: Number(r.value),
    }));
  }

  /** Sets (value) or removes (null) one override. */
  async put(
    manager: EntityManager,
    accountId: string,
    o: Omit<QuotaOverride, 'value'> & { value: number | null },
  ): Promise<void> {
    if (o.value === null) {
      await manager.query(
        `DELETE FROM ${this.s}.quota_overrides WHERE account_id = $1 AND project_id = $2 AND resource = $3 AND subject = $4`,
        [accountId, o.projectId, o.resource, o.subject],
      );
      return;
    }
    await manager.query(
      `INSERT INTO ${this.s}.quota_overrides (account_id, project_id, resource, subject, value, updated_at)
       VALUES ($1, $2, $3, $4, $5, now())
       ON CONFLICT (account_id, project_id, resource, subject) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [accountId, o.projectId, o.resource, o.subject, o.value],
    );
  }

  /** The next version of the account's QuotaLimitsChanged. */
  async nextVersion(manager: EntityManager, accountId: string): Promise<bigint> {
    const [row] = await manager.query<{ version: string }[]>(
      `INSERT INTO ${this.s}.quota_versions (account_id, version) VALUES ($1, 1)
       ON CONFLICT (account_id) DO UPDATE SET version = quota_versions.version + 1 RETURNING version`,
      [accountId],
    );
    return BigInt(row.version);
  }
}
