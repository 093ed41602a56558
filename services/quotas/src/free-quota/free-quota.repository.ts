import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { quoteIdent } from '@maas/database';
import { QUOTAS_CONFIG, type QuotasConfig } from '../config.js';

/** Free tokens used by a project on a preset model. */
export interface FreeTokenUsage {
  accountId: string;
  projectId: string;
  model: string;
  used: number;
  exhaustedAt: Date | null;
}

interface Row {
  account_id: string;
  project_id: string;
  model: string;
  used: string;
  exhausted_at: Date | null;
}

const toUsage = (r: Row): FreeTokenUsage => ({
  accountId: r.account_id,
  projectId: r.project_id,
  model: r.model,
  used: Number(r.used),
  exhaustedAt: r.exhausted_at,
});

/** Every query on free token usage. */
@Injectable()
export class FreeQuotaRepository {
  private readonly t: string;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(QUOTAS_CONFIG) config: QuotasConfig,
  ) {
    this.t = `${quoteIdent(config.DB_SCHEMA)}.free_token_usage`;
  }

  /**
   * Adds tokens (one statement; rows in a fixed order so concurrent ledgers cannot deadlock)
   * and returns the rows after the addition, locked until the transaction ends.
   */
  async add(
    manager: EntityManager,
    usage: readonly { accountId: string; projectId: string; model: string; tokens: number }[],
  ): Promise<FreeTokenUsage[]> {
    if (usage.length === 0) return [];
    const sorted = [...usage].sort(
      (a, b) => a.projectId.localeCompare(b.projectId) || a.model.localeCompare(b.model),
    );
    const rows = await manager.query<Row[]>(
      `INSERT INTO ${this.t} (project_id, model, account_id, used)
       SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::bigint[])
       ON CONFLICT (project_id, model) DO UPDATE SET used = ${this.t}.used + EXCLUDED.used
       RETURNING account_id, project_id, model, used, exhausted_at`,
      [
        sorted.map((u) => u.projectId),
        sorted.map((u) => u.model),
        sorted.map((u) => u.accountId),
        sorted.map((u) => u.tokens),
      ],
    );
    return rows.map(toUsage);
  }

  /** The account's rows, locked (to re-evaluate them against changed quotas). */
  async ofAccountForUpdate(manager: EntityManager, accountId: string): Promise<FreeTokenUsage[]> {
    const rows = await manager.query<Row[]>(
      `SELECT account_id, project_id, model, used, exhausted_at FROM ${this.t}
        WHERE account_id = $1 ORDER BY project_id, model FOR UPDATE`,
      [accountId],
    );
    return rows.map(toUsage);
  }

  async ofProject(accountId: string, projectId: string): Promise<FreeTokenUsage[]> {
    const rows = await this.dataSource.query<Row[]>(
      `SELECT account_id, project_id, model, used, exhausted_at FROM ${this.t}
        WHERE account_id = $1 AND project_id = $2 ORDER BY model`,
      [accountId, projectId],
    );
    return rows.map(toUsage);
  }

  async setExhausted(
    manager: EntityManager,
    projectId: string,
    model: string,
    exhausted: boolean,
  ): Promise<void> {
    await manager.query(
      `UPDATE ${this.t} SET exhausted_at = ${exhausted ? 'now()' : 'NULL'} WHERE project_id = $1 AND model = $2`,
      [projectId, model],
    );
  }
}
