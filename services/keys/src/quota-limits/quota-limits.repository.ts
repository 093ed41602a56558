import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { quoteIdent } from '@maas/database';
import { KEYS_CONFIG, type KeysConfig } from '../config.js';

/**
 * The account quotas this service enforces (max API keys), projected from maas.quotas.v1
 * QuotaLimitsChanged; an account without one gets DEFAULT_MAX_API_KEYS.
 */
@Injectable()
export class QuotaLimitsRepository {
  private readonly table: string;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(KEYS_CONFIG) private readonly config: KeysConfig,
  ) {
    this.table = `${quoteIdent(config.DB_SCHEMA)}.account_quotas`;
  }

  async maxApiKeys(
    accountId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<number> {
    const rows = await manager.query<{ max_api_keys: number }[]>(
      `SELECT max_api_keys FROM ${this.table} WHERE account_id = $1`,
      [accountId],
    );
    return rows[0]?.max_api_keys ?? this.config.DEFAULT_MAX_API_KEYS;
  }

  /** Stores an account's limits unless a newer version is already there. */
  async apply(
    manager: EntityManager,
    limits: { accountId: string; maxApiKeys: number; version: bigint },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.table} (account_id, max_api_keys, version, updated_at)
       VALUES ($1, $2, $3, now())
       ON CONFLICT (account_id) DO UPDATE SET
         max_api_keys = EXCLUDED.max_api_keys, version = EXCLUDED.version, updated_at = now()
       WHERE ${this.table}.version <= EXCLUDED.version`,
      [limits.accountId, limits.maxApiKeys, limits.version.toString()],
    );
  }
}
