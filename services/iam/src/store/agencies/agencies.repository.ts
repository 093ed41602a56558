import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { DataSource, type EntityManager } from 'typeorm';
import { isUniqueViolation } from '@maas/database';
import { AgencyEntity } from './agency.entity.js';
import { AgencyNameTakenError } from './agencies.errors.js';

export type NewAgency = Pick<
  AgencyEntity,
  'accountId' | 'name' | 'description' | 'validityPeriod' | 'expiresAt'
>;

/** Every query on agencies lives here. */
@Injectable()
export class AgenciesRepository {
  constructor(private readonly dataSource: DataSource) {}

  private db(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  async insert(manager: EntityManager, agency: NewAgency): Promise<AgencyEntity> {
    try {
      const repo = manager.getRepository(AgencyEntity);
      return await repo.save(
        repo.create({ ...agency, type: 'cloud_service', trustedService: 'ModelArts' }),
      );
    } catch (error) {
      if (isUniqueViolation(error, 'agencies_account_name_key'))
        throw new AgencyNameTakenError(agency.name);
      throw error;
    }
  }

  countOfAccount(accountId: string, manager: EntityManager): Promise<number> {
    return manager.countBy(AgencyEntity, { accountId });
  }

  async findById(
    accountId: string,
    id: string,
    manager?: EntityManager,
  ): Promise<AgencyEntity | null> {
    if (!isUUID(id)) return null;
    return this.db(manager).findOneBy(AgencyEntity, { id, accountId });
  }

  /** By name, case-insensitively (names are unique that way). */
  findByName(
    accountId: string,
    name: string,
    manager?: EntityManager,
  ): Promise<AgencyEntity | null> {
    return this.db(manager)
      .createQueryBuilder(AgencyEntity, 'ag')
      .where('ag.accountId = :accountId', { accountId })
      .andWhere('lower(ag.name) = lower(:name)', { name })
      .getOne();
  }

  list(accountId: string): Promise<AgencyEntity[]> {
    return this.db().find(AgencyEntity, {
      where: { accountId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  save(manager: EntityManager, agency: AgencyEntity): Promise<AgencyEntity> {
    return manager.getRepository(AgencyEntity).save(agency);
  }

  async delete(manager: EntityManager, id: string): Promise<void> {
    await manager.delete(AgencyEntity, { id });
  }
}
