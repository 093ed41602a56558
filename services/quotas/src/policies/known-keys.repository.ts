import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { quoteIdent } from '@maas/database';
import { isUuid } from '@maas/events';
import { QUOTAS_CONFIG, type QuotasConfig } from '../config.js';

/**
 * This service's projection of maas.keys.v1: which key belongs to which account and project
 * (a policy may only be set on a key of the caller's project), and how many keys an account
 * has (the "used" of its api_keys quota).
 */
@Injectable()
export class KnownKeysRepository {
  private readonly t: string;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(QUOTAS_CONFIG) config: QuotasConfig,
  ) {
    this.t = `${quoteIdent(config.DB_SCHEMA)}.known_keys`;
  }

  /** Stores a key's latest state unless a newer one is there (deleted stays deleted). */
  async apply(
    manager: EntityManager,
    key: { keyId: string; accountId: string; projectId: string; deleted: boolean; version: bigint },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.t} (key_id, account_id, project_id, deleted, version) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (key_id) DO UPDATE SET deleted = EXCLUDED.deleted, version = EXCLUDED.version
       WHERE ${this.t}.version < EXCLUDED.version AND NOT ${this.t}.deleted`,
      [key.keyId, key.accountId, key.projectId, key.deleted, key.version.toString()],
    );
  }

  async isActiveInProject(accountId: string, projectId: string, keyId: string): Promise<boolean> {
    if (!isUuid(keyId)) return false;
    const rows = await this.dataSource.query<unknown[]>(
      `SELECT 1 FROM ${this.t} WHERE key_id = $1 AND account_id = $2 AND project_id = $3 AND NOT deleted`,
      [keyId, accountId, projectId],
    );
    return rows.length > 0;
  }

  async countActive(accountId: string): Promise<number> {
    const [row] = await this.dataSource.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM ${this.t} WHERE account_id = $1 AND NOT deleted`,
      [accountId],
    );
    return Number(row.n);
  }
}
