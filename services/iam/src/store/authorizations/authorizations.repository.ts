import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { DataSource, type EntityManager } from 'typeorm';
import { AgencyEntity } from '../agencies/agency.entity.js';
import { AuthorizationEntity, type AuthorizedUserType } from './authorization.entity.js';

/** An authorization with its agency. */
export type AuthorizationWithAgency = AuthorizationEntity & { agency: AgencyEntity };

/** Every query on ModelArts authorizations lives here. */
@Injectable()
export class AuthorizationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private db(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  insert(
    manager: EntityManager,
    authorization: Pick<
      AuthorizationEntity,
      'accountId' | 'userType' | 'userId' | 'userName' | 'agencyId'
    >,
  ): Promise<AuthorizationEntity> {
    const repo = manager.getRepository(AuthorizationEntity);
    return repo.save(repo.create(authorization));
  }

  /** The authorization of one target (unique per account), if any. */
  findTarget(
    manager: EntityManager,
    accountId: string,
    target: { userType: AuthorizedUserType; userId: string | null; userName: string | null },
  ): Promise<AuthorizationEntity | null> {
    const q = manager
      .createQueryBuilder(AuthorizationEntity, 'z')
      .where('z.accountId = :accountId', { accountId })
      .andWhere('z.userType = :userType', { userType: target.userType });
    if (target.userId) q.andWhere('z.userId = :userId', { userId: target.userId });
    else if (target.userName)
      q.andWhere('lower(z.userName) = lower(:userName)', { userName: target.userName });
    return q.getOne();
  }

  private withAgency(manager?: EntityManager) {
    return this.db(manager)
      .createQueryBuilder(AuthorizationEntity, 'z')
      .innerJoinAndMapOne('z.agency', AgencyEntity, 'ag', 'ag.id = z.agencyId');
  }

  async findById(
    accountId: string,
    id: string,
    manager?: EntityManager,
  ): Promise<AuthorizationWithAgency | null> {
    if (!isUUID(id)) return null;
    const row = await this.withAgency(manager)
      .where('z.id = :id', { id })
      .andWhere('z.accountId = :accountId', { accountId })
      .getOne();
    return row as AuthorizationWithAgency | null;
  }

  async list(accountId: string, manager?: EntityManager): Promise<AuthorizationWithAgency[]> {
    const rows = await this.withAgency(manager)
      .where('z.accountId = :accountId', { accountId })
      .orderBy('z.createdAt')
      .addOrderBy('z.id')
      .getMany();
    return rows as AuthorizationWithAgency[];
  }

  /** The authorizations naming an IAM user (removed with the user). */
  async ofUser(manager: EntityManager, userId: string): Promise<AuthorizationWithAgency[]> {
    const rows = await this.withAgency(manager).where('z.userId = :userId', { userId }).getMany();
    return rows as AuthorizationWithAgency[];
  }

  countOfAgency(agencyId: string, manager: EntityManager): Promise<number> {
    return manager.countBy(AuthorizationEntity, { agencyId });
  }

  async delete(manager: EntityManager, ids: string[]): Promise<void> {
    if (ids.length > 0) await manager.delete(AuthorizationEntity, ids);
  }
}
