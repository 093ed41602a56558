import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { isUniqueViolation, quoteIdent } from '@maas/database';
import { isUuid } from '@maas/events';
import { ApiKeyEntity } from './api-key.entity.js';

/** Every query on API keys lives here. */
@Injectable()
export class ApiKeysRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Runs `change` in a transaction holding the account's advisory lock: one key change per
   * account at a time, so "count, then insert" cannot let two requests both take the 30th key.
   */
  inAccount<T>(accountId: string, change: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('keys.account'), hashtext($1))`, [
        accountId,
      ]);
      return change(manager);
    });
  }

  countOfAccount(manager: EntityManager, accountId: string): Promise<number> {
    return manager.countBy(ApiKeyEntity, { accountId });
  }

  async tagTaken(manager: EntityManager, accountId: string, tag: string): Promise<boolean> {
    return manager.existsBy(ApiKeyEntity, { accountId, tag });
  }

  /** Inserts a key; false if the tag or hash is taken after all (unique constraints). */
  async insert(manager: EntityManager, key: ApiKeyEntity): Promise<boolean> {
    try {
      await manager.insert(ApiKeyEntity, key);
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  listOfProject(accountId: string, projectId: string): Promise<ApiKeyEntity[]> {
    return this.dataSource.manager.find(ApiKeyEntity, {
      where: { accountId, projectId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  countOfAccountNow(accountId: string): Promise<number> {
    return this.dataSource.manager.countBy(ApiKeyEntity, { accountId });
  }

  /** A key of the project, or null (also for ids that are not UUIDs: 404, never 400/500). */
  findInProject(
    accountId: string,
    projectId: string,
    id: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<ApiKeyEntity | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return manager.findOneBy(ApiKeyEntity, { id, accountId, projectId });
  }

  /** A key of the project whatever its account (operator routes have no caller), or null. */
  findInAnyAccount(projectId: string, id: string): Promise<ApiKeyEntity | null> {
    if (!isUuid(id) || !isUuid(projectId)) return Promise.resolve(null);
    return this.dataSource.manager.findOneBy(ApiKeyEntity, { id, projectId });
  }

  async save(manager: EntityManager, key: ApiKeyEntity): Promise<void> {
    await manager.save(ApiKeyEntity, key);
  }

  async delete(manager: EntityManager, id: string): Promise<void> {
    await manager.delete(ApiKeyEntity, { id });
  }

  /**
   * Records when keys were last used (from a batch of usage events): one statement for the
   * whole batch; a time never moves backwards, so replays and reordering are harmless.
   */
  async touchLastUsed(latest: ReadonlyMap<string, Date>): Promise<number> {
    const ids = [...latest.keys()].filter(isUuid);
    if (ids.length === 0) return 0;
    const times = ids.map((id) => latest.get(id)!.toISOString());
    const { schema = 'public' } = this.dataSource.options as { schema?: string };
    const [, affected] = await this.dataSource.query<[unknown[], number]>(
      `UPDATE ${quoteIdent(schema)}.api_keys k SET last_used_at = v.t
         FROM unnest($1::uuid[], $2::timestamptz[]) AS v(id, t)
        WHERE k.id = v.id AND (k.last_used_at IS NULL OR k.last_used_at < v.t)`,
      [ids, times],
    );
    return affected;
  }
}
