import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { DataSource, type EntityManager } from 'typeorm';
import { isUniqueViolation } from '@maas/database';
import { AccountEntity } from './account.entity.js';
import { AccountNameTakenError } from './accounts.errors.js';
import { ProjectEntity } from './project.entity.js';

/** Every query on accounts and projects lives here. */
@Injectable()
export class AccountsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private db(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  /** Inserts an account; a taken name is an AccountNameTakenError. */
  async insert(manager: EntityManager, name: string): Promise<AccountEntity> {
    try {
      const repo = manager.getRepository(AccountEntity);
      return await repo.save(
        repo.create({ name, frozen: false, frozenAt: null, frozenReason: '', version: 1 }),
      );
    } catch (error) {
      if (isUniqueViolation(error, 'accounts_name_key')) throw new AccountNameTakenError(name);
      throw error;
    }
  }

  async findById(id: string, manager?: EntityManager): Promise<AccountEntity | null> {
    if (!isUUID(id)) return null;
    return this.db(manager).findOneBy(AccountEntity, { id });
  }

  /** The account's row, read for an update inside `manager`'s transaction (already locked). */
  async findForUpdate(manager: EntityManager, id: string): Promise<AccountEntity | null> {
    return manager.findOneBy(AccountEntity, { id });
  }

  async save(manager: EntityManager, account: AccountEntity): Promise<void> {
    await manager.save(AccountEntity, account);
  }

  findByName(name: string, manager?: EntityManager): Promise<AccountEntity | null> {
    return this.db(manager).findOneBy(AccountEntity, { name });
  }

  insertProject(
    manager: EntityManager,
    project: Pick<ProjectEntity, 'accountId' | 'region' | 'name'>,
  ): Promise<ProjectEntity> {
    const repo = manager.getRepository(ProjectEntity);
    return repo.save(repo.create(project));
  }

  projectsOf(accountId: string, manager?: EntityManager): Promise<ProjectEntity[]> {
    return this.db(manager).find(ProjectEntity, { where: { accountId }, order: { region: 'ASC' } });
  }

  async findProject(accountId: string, projectId: string): Promise<ProjectEntity | null> {
    if (!isUUID(projectId)) return null;
    return this.db().findOneBy(ProjectEntity, { id: projectId, accountId });
  }

  /** Ids of the accounts that lack a project in one of the regions. */
  async accountsMissingRegions(regions: readonly string[]): Promise<string[]> {
    const rows = await this.db()
      .createQueryBuilder(AccountEntity, 'a')
      .leftJoin(ProjectEntity, 'p', 'p.accountId = a.id AND p.region IN (:...regions)', {
        regions: [...regions],
      })
      .select('a.id', 'id')
      .groupBy('a.id')
      .having('count(p.id) < :wanted', { wanted: regions.length })
      .getRawMany<{ id: string }>();
    return rows.map((r) => r.id);
  }

  findProjectByName(accountId: string, name: string): Promise<ProjectEntity | null> {
    return this.db().findOneBy(ProjectEntity, { accountId, name });
  }
}
