import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { quoteIdent } from '@maas/database';
import { IAM_CONFIG, type IamConfig } from '../config.js';

/**
 * The account quotas IAM enforces (max agencies), projected from maas.quotas.v1
 * QuotaLimitsChanged (the quotas service owns them, SPEC §7); an account the quotas service
 * has published nothing for gets DEFAULT_MAX_AGENCIES (seed 002 §2.2: 50).
 */
@Injectable()
export class QuotaLimitsRepository {
  private readonly table: string;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(IAM_CONFIG) private readonly config: IamConfig,
  ) {
    this.table = `${quoteIdent(config.DB_SCHEMA)}.account_quotas`;
  }

  async maxAgencies(
    accountId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<number> {
    const rows = await manager.query<{ max_agencies: number }[]>(
      `SELECT max_agencies FROM ${this.table} WHERE account_id = $1`,
      [accountId],
    );
    return rows[0]?.max_agencies ?? this.config.DEFAULT_MAX_AGENCIES;
  }

  /**
   * Stores an account's limits unless a newer version is already there (redeliveries and
   * out-of-order snapshots change nothing). A snapshot without the field (0) means the default.
   */
  async apply(
    manager: EntityManager,
    limits: { accountId: string; maxAgencies: number; version: bigint },
  ): Promise<void> {
    const maxAgencies =
      limits.maxAgencies > 0 ? limits.maxAgencies : this.config.DEFAULT_MAX_AGENCIES;
    await manager.query(
      `INSERT INTO ${this.table} (account_id, max_agencies, version, updated_at)
       VALUES ($1, $2, $3, now())
       ON CONFLICT (account_id) DO UPDATE SET
         max_agencies = EXCLUDED.max_agencies, version = EXCLUDED.version, updated_at = now()
       WHERE ${this.table}.version <= EXCLUDED.version`,
      [limits.accountId, maxAgencies, limits.version.toString()],
    );
  }
}
